// The stats summary the CLI prints, from a JSON answer's stats or the X-Stats header.
import type { SampleStats } from "../../src/sampler/summary.ts";

export type StatsSummary = Pick<SampleStats, "method" | "steps" | "rounds" | "target_rows" | "speedup" | "acceptance"> & {
  total_ms: number;
  denoiser_ms: number;
  core_ms: number;
};

const pct = (x: number | null) => (x === null ? "n/a" : `${(100 * x).toFixed(1)}%`);

export const formatSummary = (s: StatsSummary, seed: string, samples: number): string =>
  [
    `samples     ${samples} (seed ${seed})`,
    `method      ${s.method}, ${s.steps} steps`,
    `rounds      ${s.rounds} sequential denoiser calls (speed-up ${s.speedup.toFixed(2)}x over ${s.steps})`,
    `target rows ${s.target_rows}`,
    `acceptance  ${pct(s.acceptance)}`,
    `time        ${s.total_ms.toFixed(1)} ms (denoiser ${s.denoiser_ms.toFixed(1)} ms, core ${s.core_ms.toFixed(1)} ms)`,
  ].join("\n");
