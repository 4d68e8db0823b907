// Runs the calls of one round with bounded concurrency; the first failure aborts the rest, so a
// round either completes whole or fails whole (nothing half-computed reaches the sampler).

/** Calls `work` on every item, at most `limit` at once; rejects with the first error after aborting `ctrl`. */
export async function runPool<T>(items: readonly T[], limit: number, ctrl: AbortController, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  let failure: unknown;
  const worker = async function poolWorker(): Promise<void> {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await work(item);
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
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed) throw failure;
}

/** Consecutive [start, count) slices of `rows` rows, each at most `max` rows, as even as possible. */
export const splitRows = (rows: number, max: number): { start: number; count: number }[] => {
  const calls = Math.max(1, Math.ceil(rows / max));
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
