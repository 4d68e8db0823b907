export { ANALYTIC_SCHEDULER, BUILTIN_DEFAULTS, builtinConfigs } from "./builtins.ts";
export { loadModels, type ModelCatalog } from "./catalog.ts";
export { ConfigError } from "./parse.ts";
export { PROVIDERS, type ModelConfig, type ModelDefaults, type Provider } from "./types.ts";
