// The stats summary the CLI prints, from a JSON answer's stats or the X-Stats header.
import type { SampleStats } from "../../src/sampler/summary.ts";

export type StatsSummary = Pick<SampleStats, "method" | "steps" | "rounds" | "target_rows" | "speedup" | "acceptance"> & {
  total_ms: number;
  denoiser_ms: number;
  core_ms: number;
};

const pct = (x: number | null) => (x === null ? "n/a" : `${(100 * x).toFixed(1)}%`);

// The Worker's clock (workerd, like Cloudflare's edge) advances only across I/O, so compute between
// two I/O events reads as 0 ms: such readings are shown as "<1 ms" and explained once.
const ms = (x: number) => (x < 1 ? "<1 ms" : `${x.toFixed(1)} ms`);
export const COARSE_CLOCK_NOTE = "the Worker's clock is coarse: timers advance only across I/O, so compute between two I/O events reads as 0 ms";

const timeLines = (s: StatsSummary): string[] => {
  const line = `time        ${ms(s.total_ms)} (denoiser ${ms(s.denoiser_ms)}, core ${ms(s.core_ms)})`;
  const coarse = [s.total_ms, s.denoiser_ms, s.core_ms].some((x) => x < 1);
  return coarse ? [line, `            (<1 ms: ${COARSE_CLOCK_NOTE})`] : [line];
};

export const formatSummary = (s: StatsSummary, seed: string, samples: number): string =>
  [
    `samples     ${samples} (seed ${seed})`,
    `method      ${s.method}, ${s.steps} steps`,
    `rounds      ${s.rounds} sequential denoiser calls (speed-up ${s.speedup.toFixed(2)}x over ${s.steps})`,
    `target rows ${s.target_rows}`,
    `acceptance  ${pct(s.acceptance)}`,
    ...timeLines(s),
  ].join("\n");
