// Admission against what the isolate has left: its memory is shared by the requests it serves at once,
// so each request reserves its estimated peak (limits.ts) for as long as it runs. Per isolate by design:
// this is accounting of the isolate's own memory, not request state.
import { OverloadedError } from "../errors.ts";
import { LIMITS, mib } from "./limits.ts";

let reserved = 0;

/** Bytes reserved by requests running in this isolate now. */
export const reservedBytes = (): number => reserved;

/** Reserves `bytes` or throws OverloadedError (503, Retry-After); the returned release is idempotent. */
export const admit = (bytes: number): (() => void) => {
  if (reserved + bytes > LIMITS.isolateRequestBytes) {
    throw new OverloadedError(
      `this isolate is busy: the request needs ${mib(bytes)} MiB and ${mib(LIMITS.isolateRequestBytes - reserved)} MiB of ${mib(LIMITS.isolateRequestBytes)} MiB are free; retry shortly`,
      RETRY_AFTER_S,
    );
  }
  reserved += bytes;
  let held = true;
  return () => {
    if (held) reserved -= bytes;
    held = false;
  };
};

// Most requests that fill an isolate finish within a few seconds.
const RETRY_AFTER_S = 2;
