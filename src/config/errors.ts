// The two ways a model configuration fails: while it is read, and when a request names a broken entry.
import { DomainError } from "../errors.ts";

/** A model configuration that is wrong: a deployment fault, found when the catalog loads. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** A request for a model whose configuration is broken (or whose provider cannot run it): 503, naming the problem. */
export class ModelUnavailableError extends DomainError {
  override readonly name = "ModelUnavailableError";

  constructor(id: string, reason: string) {
    super("model_unavailable", `model "${id}" is unavailable: ${reason}`, "model");
  }
}
