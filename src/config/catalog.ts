// The models a deployment serves: the built-in analytic ones plus those configured in MODELS.
import { BUILTIN_DEFAULTS, builtinConfigs } from "./builtins.ts";
import { ConfigError, parseModelsVar } from "./parse.ts";
import type { ModelConfig } from "./types.ts";

export interface ModelCatalog {
  readonly models: readonly ModelConfig[];
  find(id: string): ModelConfig | undefined;
}

// MODELS is fixed for an isolate's lifetime: every request would otherwise parse and check it again.
// Only a catalog that loaded is kept; a bad MODELS throws on every request.
let last: { modelsVar: unknown; catalog: ModelCatalog } | undefined;

/** Built-ins first; a configured id may not shadow a built-in (requests for it would change meaning). */
export const loadModels = (modelsVar: unknown): ModelCatalog => {
  if (last && Object.is(last.modelsVar, modelsVar)) return last.catalog;
  const models = builtinConfigs();
  for (const m of parseModelsVar(modelsVar, BUILTIN_DEFAULTS)) {
    if (models.some((b) => b.id === m.id)) throw new ConfigError(`MODELS: id "${m.id}" is already taken`);
    models.push(m);
  }
  const catalog: ModelCatalog = { models, find: (id) => models.find((m) => m.id === id) };
  last = { modelsVar, catalog };
  return catalog;
};
