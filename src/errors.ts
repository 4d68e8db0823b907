// Domain errors: thrown by domain code, mapped to HTTP statuses in one place (src/api/errors.ts,
// used by app.onError). Messages are safe to show to the client.

export type DomainErrorCode =
  | "invalid_request"
  | "limit_exceeded"
  | "denoiser_timeout"
  | "denoiser_bad_response"
  | "denoiser_rejected_request"
  | "denoiser_unavailable"
  | "denoiser_unreachable"
  | "model_unavailable"
  | "overloaded"
  | "rate_limited"
  | "deadline_exceeded"
  | "jobs_unavailable"
  | "idempotency_conflict"
  | "result_unavailable";

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

// The provider refused the request this Worker sent (a 4xx other than 408/429): a deployment or Worker
// fault (model name, token, tensors), not a malformed answer.
export class DenoiserRejectedRequestError extends DomainError {
  override readonly name = "DenoiserRejectedRequestError";

  constructor(message: string, options?: ErrorOptions) {
    super("denoiser_rejected_request", message, undefined, options);
  }
}

// The provider kept failing (5xx, 429, dropped connections) through every retry: not a timeout.
export class DenoiserUnavailableError extends DomainError {
  override readonly name = "DenoiserUnavailableError";

  constructor(message: string, options?: ErrorOptions) {
    super("denoiser_unavailable", message, undefined, options);
  }
}

// The isolate is busy with other requests: this one fits on its own, but not beside them right now.
export class OverloadedError extends DomainError {
  override readonly name = "OverloadedError";
  /** Seconds after which a retry may find room (the Retry-After header). */
  readonly retryAfterS: number;

  constructor(message: string, retryAfterS: number) {
    super("overloaded", message);
    this.retryAfterS = retryAfterS;
  }
}

// The client (its bearer token, or its IP) sent more sampling requests than the rate limit allows.
export class RateLimitedError extends DomainError {
  override readonly name = "RateLimitedError";
  /** Seconds after which the limit's window has passed (the Retry-After header). */
  readonly retryAfterS: number;

  constructor(message: string, retryAfterS: number) {
    super("rate_limited", message);
    this.retryAfterS = retryAfterS;
  }
}

// The request ran past its total deadline (a MODELS entry's limits.deadline_ms, or the default).
export class DeadlineExceededError extends DomainError {
  override readonly name = "DeadlineExceededError";
  readonly ms: number;

  constructor(modelId: string, ms: number) {
    super("deadline_exceeded", `the request did not finish within its deadline of ${ms} ms (limits.deadline_ms of model "${modelId}")`);
    this.ms = ms;
  }
}

// Jobs (src/jobs/): the deployment lacks the jobs' bindings; an Idempotency-Key reused with another body;
// a job's result asked for before the job succeeded (or after it failed or was cancelled).
export class JobsUnavailableError extends DomainError {
  override readonly name = "JobsUnavailableError";

  constructor(message: string) {
    super("jobs_unavailable", message);
  }
}

export class IdempotencyConflictError extends DomainError {
  override readonly name = "IdempotencyConflictError";

  constructor(message: string) {
    super("idempotency_conflict", message, "Idempotency-Key");
  }
}

export class ResultUnavailableError extends DomainError {
  override readonly name = "ResultUnavailableError";

  constructor(message: string) {
    super("result_unavailable", message);
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
