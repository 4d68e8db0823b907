export { ANALYTIC_SCHEDULER, builtinConfigs } from "./builtins.ts";
export { loadModels, type ModelCatalog } from "./catalog.ts";
export { ConfigError } from "./parse.ts";
export type { ModelConfig, ModelDefaults, Provider } from "./types.ts";
