// Domain errors: thrown by domain code, mapped to HTTP statuses in one place (src/api/errors.ts,
// used by app.onError). Messages are safe to show to the client.

export type DomainErrorCode =
  | "invalid_request"
  | "limit_exceeded"
  | "denoiser_timeout"
  | "denoiser_bad_response";

// Base of every error the product answers with its own code and message.
export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly field: string | undefined;

  constructor(code: DomainErrorCode, message: string, field?: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.field = field;
  }
}

// A request value that is malformed or unsupported; `field` is its dotted path (e.g. scheduler.beta_schedule).
export class InvalidRequestError extends DomainError {
  override readonly name = "InvalidRequestError";

  constructor(field: string, message: string) {
    super("invalid_request", message, field);
  }
}

// A request that is well formed but larger than this deployment serves.
export class LimitError extends DomainError {
  override readonly name = "LimitError";

  constructor(field: string, message: string) {
    super("limit_exceeded", message, field);
  }
}

// The denoiser did not answer in time.
export class DenoiserTimeoutError extends DomainError {
  override readonly name = "DenoiserTimeoutError";

  constructor(message: string, options?: ErrorOptions) {
    super("denoiser_timeout", message, undefined, options);
  }
}

// The denoiser answered with something this product cannot use (status, shape, dtype, NaN policy).
export class DenoiserBadResponseError extends DomainError {
  override readonly name = "DenoiserBadResponseError";

  constructor(message: string, options?: ErrorOptions) {
    super("denoiser_bad_response", message, undefined, options);
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
