// The JSON answer (and the final SSE event): samples flat row-major, the seed, stats and timing.
import type { SampleRun } from "../../sampler/run.ts";

export interface Answer {
  run: SampleRun;
  seed: number;
  /** [num_samples, ...model shape]. */
  shape: number[];
}

export const jsonBody = ({ run, seed, shape }: Answer) => ({
  samples: { shape, dtype: "float32" as const, data: Array.from(run.samples) },
  seed,
  stats: run.stats,
  timing: timingBody(run),
});

export const timingBody = ({ timing }: SampleRun) => ({
  total_ms: timing.totalMs,
  denoiser_ms: timing.denoiserMs,
  core_ms: timing.coreMs,
});
