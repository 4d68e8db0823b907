// The models a deployment serves: the built-in analytic ones plus those configured in MODELS.
import { builtinConfigs } from "./builtins.ts";
import { ConfigError, parseModelsVar } from "./parse.ts";
import type { ModelConfig } from "./types.ts";

export interface ModelCatalog {
  readonly models: readonly ModelConfig[];
  find(id: string): ModelConfig | undefined;
}

/** Built-ins first; a configured id may not shadow a built-in (requests for it would change meaning). */
export const loadModels = (modelsVar: unknown): ModelCatalog => {
  const builtins = builtinConfigs();
  const configured = parseModelsVar(modelsVar, builtins[0].defaults);
  const models = [...builtins];
  for (const m of configured) {
    if (models.some((b) => b.id === m.id)) throw new ConfigError(`MODELS: id "${m.id}" is already taken`);
    models.push(m);
  }
  return { models, find: (id) => models.find((m) => m.id === id) };
};
