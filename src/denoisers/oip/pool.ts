// Runs the calls of one round with bounded concurrency; the first failure aborts the rest, so a
// round either completes whole or fails whole (nothing half-computed reaches the sampler).

/** Calls `work` on every item, at most `limit` at once, with a signal that aborts when `signal` does or when
 * a call fails; rejects with the first error. */
export async function runPool<T>(items: readonly T[], limit: number, signal: AbortSignal | undefined, work: (item: T, signal: AbortSignal) => Promise<void>): Promise<void> {
  const ctrl = new AbortController();
  const onAbort = () => ctrl.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  let next = 0;
  let failed = false;
  let failure: unknown;
  const worker = async function poolWorker(): Promise<void> {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await work(item, ctrl.signal);
      } catch (e) {
        if (!failed) {
          failed = true;
          failure = e;
          ctrl.abort(e);
        }
        return;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  if (failed) throw failure;
}

/** Consecutive [start, count) slices of `rows` rows, each at most `max` rows, as even as possible; none for 0 rows. */
export const splitRows = (rows: number, max: number): { start: number; count: number }[] => {
  const calls = Math.ceil(rows / max);
  const base = Math.floor(rows / calls);
  const extra = rows % calls;
  const out: { start: number; count: number }[] = [];
  for (let i = 0, start = 0; i < calls; i++) {
    const count = base + (i < extra ? 1 : 0);
    out.push({ start, count });
    start += count;
  }
  return out;
};
