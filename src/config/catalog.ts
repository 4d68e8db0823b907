// The models a deployment serves: the built-in analytic ones plus those configured in MODELS. Each
// configured entry is parsed and checked on its own (scheduler and provider settings included), once
// per MODELS value: a broken entry is listed as unavailable with its reason and the others serve.
import { isDomainError } from "../errors.ts";
import { BUILTIN_DEFAULTS, builtinConfigs } from "./builtins.ts";
import { ConfigError } from "./errors.ts";
import { entryLabel, parseEntry, readModelsVar } from "./parse.ts";
import type { CatalogEntry, ModelConfig, SettingsChecks } from "./types.ts";

export interface ModelCatalog {
  /** One per id, in order: the built-ins, then MODELS entries, available or not. */
  readonly entries: readonly CatalogEntry[];
  /** The models that serve. */
  readonly models: readonly ModelConfig[];
  /** Problems no listed id carries: MODELS unreadable as a whole, entries without an id, a built-in's id reused. */
  readonly errors: readonly string[];
  find(id: string): ModelConfig | undefined;
  /** Why a request for `id` cannot be served: a broken entry, or any id but a built-in's when MODELS is unreadable. */
  unavailable(id: string): string | undefined;
}

const NO_CHECKS: SettingsChecks = {};

// MODELS is fixed for an isolate's lifetime: one catalog per settings checks (one per app), for the
// last MODELS value seen. A structured var is keyed by its JSON, which is what a string var would hold.
const cache = new WeakMap<SettingsChecks, { key: unknown; catalog: ModelCatalog }>();

/** Built-ins first; a configured id may not shadow a built-in (requests for it would change meaning). Never throws. */
export const loadModels = (modelsVar: unknown, checks: SettingsChecks = NO_CHECKS): ModelCatalog => {
  const key = typeof modelsVar === "object" && modelsVar !== null ? JSON.stringify(modelsVar) : modelsVar;
  const last = cache.get(checks);
  if (last && Object.is(last.key, key)) return last.catalog;
  const catalog = buildCatalog(modelsVar, checks);
  cache.set(checks, { key, catalog });
  return catalog;
};

function buildCatalog(modelsVar: unknown, checks: SettingsChecks): ModelCatalog {
  const builtins = builtinConfigs();
  const entries: CatalogEntry[] = builtins.map((config) => ({ available: true, config }));
  const errors: string[] = [];
  let failure: string | undefined;
  let raws: unknown[] = [];
  try {
    raws = readModelsVar(modelsVar);
  } catch (e) {
    failure = (e as Error).message;
    errors.push(failure);
  }
  // An id configured twice serves neither way: which entry was meant cannot be known.
  const indices = new Map<string, number[]>();
  raws.forEach((raw, i) => {
    const id = entryLabel(raw).id;
    if (id !== undefined) indices.set(id, [...(indices.get(id) ?? []), i]);
  });
  raws.forEach((raw, i) => {
    const { id, description, provider } = entryLabel(raw);
    if (id === undefined) return void errors.push(`MODELS[${i}]: an entry must be an object with a non-empty string "id"`);
    if (builtins.some((b) => b.id === id)) return void errors.push(`MODELS[${i}]: id "${id}" is a built-in model's; the built-in serves`);
    const at = indices.get(id)!;
    if (at[0] !== i) return;
    const checked = at.length > 1 ? `id "${id}" is configured more than once (MODELS[${at.join("], MODELS[")}])` : checkEntry(raw, id, checks);
    entries.push(typeof checked === "string" ? { available: false, id, description, provider, reason: checked } : { available: true, config: checked });
  });
  const byId = new Map(entries.map((e) => [e.available ? e.config.id : e.id, e]));
  return {
    entries,
    models: entries.flatMap((e) => (e.available ? [e.config] : [])),
    errors,
    find: (id) => {
      const e = byId.get(id);
      return e?.available ? e.config : undefined;
    },
    unavailable: (id) => {
      const e = byId.get(id);
      if (e && !e.available) return `its MODELS entry is invalid: ${e.reason}`;
      if (!e && failure !== undefined) return `it is not a built-in model, and MODELS could not be read: ${failure}`;
      return undefined;
    },
  };
}

/** The entry's config, or the reason it cannot serve. */
function checkEntry(raw: unknown, id: string, checks: SettingsChecks): ModelConfig | string {
  try {
    const config = parseEntry(raw, BUILTIN_DEFAULTS);
    if (config.provider !== "embedded") checks[config.provider]?.(config);
    return config;
  } catch (e) {
    return reasonOf(e, id);
  }
}

/** A check's message without the `MODELS entry "id": ` prefix providers add; an unexpected error is logged, not shown. */
export function reasonOf(e: unknown, id: string): string {
  if (e instanceof ConfigError || isDomainError(e)) {
    const message = e.message.startsWith(`MODELS entry "${id}": `) ? e.message.slice(`MODELS entry "${id}": `.length) : e.message;
    return isDomainError(e) && e.field && !message.startsWith(e.field) ? `${e.field}: ${message}` : message;
  }
  console.error(`MODELS entry "${id}"`, e);
  return "the entry could not be checked (the Worker's log has the error)";
}
