export { ANALYTIC_SCHEDULER, BUILTIN_DEFAULTS, builtinConfigs } from "./builtins.ts";
export { loadModels, reasonOf, type ModelCatalog } from "./catalog.ts";
export { ConfigError, ModelUnavailableError } from "./errors.ts";
export {
  PROVIDERS,
  type CatalogEntry,
  type ModelConfig,
  type ModelDefaults,
  type Provider,
  type RemoteProviderName,
  type SettingsCheck,
  type SettingsChecks,
  type UnavailableModel,
} from "./types.ts";
export { type ConditioningConfig, type GuidanceConfig, type PipelineConfig } from "./pipeline.ts";
