// The JSON answer (and the final SSE event): samples flat row-major, the seed, stats and timing.
import type { SampleRun } from "../../sampler/run.ts";
import type { PipelineSchema } from "../schemas/response.ts";
import type { z } from "@hono/zod-openapi";

/** What a conditional or decoded model's answer adds (src/api/pipeline.ts). */
export type PipelineSummary = z.infer<typeof PipelineSchema>;

export interface Answer {
  run: SampleRun;
  seed: number;
  /** [num_samples, ...model shape], or [num_samples, ...decoded shape]. */
  shape: number[];
  pipeline?: PipelineSummary;
}

export const jsonBody = ({ run, seed, shape, pipeline }: Answer) => ({
  samples: { shape, dtype: "float32" as const, data: Array.from(run.samples) },
  seed,
  stats: run.stats,
  timing: timingBody(run),
  ...(pipeline && { pipeline }),
});

export const timingBody = ({ timing }: SampleRun) => ({
  total_ms: timing.totalMs,
  denoiser_ms: timing.denoiserMs,
  core_ms: timing.coreMs,
});
