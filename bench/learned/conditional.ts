// The conditional digits pipeline (models/digits-cond, class labels, guidance in rows) through the app in
// process and the reference provider on localhost: rounds and model rows per sample, acceptance, and
// per-step delta and acceptance, at guidance scales 1, 2, 4 and 7.5, for the flow-matching SDE (noise
// level 0.7, the entry's default) and diffusers' stochastic re-noising sampler. No paper reports how
// guidance changes acceptance; these are the measured figures.
import { createApp } from "../../src/app.ts";
import { oipConfigOf, oipRemoteProvider } from "../../src/denoisers/oip/index.ts";
import type { SampleStats } from "../../src/sampler/summary.ts";
import { coreModule } from "../../tools/fixtures/core.ts";
import { conditionalEntry, startConditionalProvider } from "../../tools/fixtures/conditional-learned.ts";

export const GUIDANCE = [1, 2, 4, 7.5];
const STEPS = 50;
const SAMPLERS = [
  { name: "SDE, noise level 0.7", scheduler: { noise_level: 0.7 } },
  { name: "stochastic re-noising", scheduler: { stochastic_sampling: true } },
];
const METHODS = [
  { label: "sequential", method: "sequential" },
  { label: "token L=8", method: "token", draft: { window: 8 } },
  { label: "block L=4", method: "block", draft: { window: 4 } },
  { label: "block L=8", method: "block", draft: { window: 8 } },
  { label: "block L=16", method: "block", draft: { window: 16 } },
];

interface Cell {
  roundsMean: number;
  roundsHalfWidth: number;
  rowsPerSample: number;
  acceptance: number | null;
  stats: SampleStats;
}

const meanAndHalfWidth = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1);
  return { m, h: 1.96 * Math.sqrt(v / xs.length) };
};

const f1 = (x: number) => x.toFixed(1);
const pct = (x: number | null) => (x === null ? "-" : `${(100 * x).toFixed(1)}%`);

/** Runs the grid with `chains` chains per cell (classes 0..9 in turn) and returns markdown tables. */
export const conditionalTables = async (chains: number, log: (line: string) => void): Promise<string> => {
  const p = await startConditionalProvider();
  try {
    const app = createApp({ coreModule: coreModule(), providers: { oip: oipRemoteProvider() }, settingsChecks: { oip: oipConfigOf } });
    const env = { MODELS: JSON.stringify([conditionalEntry("digits-cond", p.url)]) };
    const labels = Array.from({ length: chains }, (_, i) => i % 10);
    const run = async (body: Record<string, unknown>): Promise<Cell> => {
      const res = await app.request("/v1/samples", {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "digits-cond", num_samples: chains, class_labels: labels, steps: STEPS, seed: 7, decode: false, ...body }),
      }, env);
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${res.status}: ${text.slice(0, 300)}`);
      const stats = (JSON.parse(text) as { stats: SampleStats }).stats;
      const { m, h } = meanAndHalfWidth(stats.chains.map((c) => c.rounds));
      return { roundsMean: m, roundsHalfWidth: h, rowsPerSample: stats.target_rows / chains, acceptance: stats.acceptance, stats };
    };
    const sections: string[] = [];
    for (const s of SAMPLERS) {
      const rows: string[] = [];
      const profiles: string[] = [];
      for (const w of GUIDANCE) {
        const cells: Cell[] = [];
        for (const m of METHODS) {
          const cell = await run({ method: m.method, draft: m.draft, guidance_scale: w, scheduler: s.scheduler });
          cells.push(cell);
          log(`${s.name}, w = ${w}, ${m.label}: ${f1(cell.roundsMean)} rounds/sample, ${f1(cell.rowsPerSample)} rows/sample, acceptance ${pct(cell.acceptance)}`);
        }
        const seq = cells[0].roundsMean;
        rows.push(`| ${w} | ${cells.map((c) => `${f1(c.roundsMean)} ± ${f1(c.roundsHalfWidth)} (${(seq / c.roundsMean).toFixed(2)}x) / ${f1(c.rowsPerSample)} / ${pct(c.acceptance)}`).join(" | ")} |`);
        profiles.push(`| ${w} | ${bands(cells[cells.length - 1].stats).join(" | ")} |`);
      }
      sections.push(
        `### ${s.name}\n\nRounds per sample ± 95% interval (speed-up over sequential) / model rows per sample (guidance in rows: 2 per sampler row when w is not 1) / acceptance, N = ${STEPS}, x0 freeze, bonus:\n\n` +
        `| w | ${METHODS.map((m) => m.label).join(" | ")} |\n|---|${METHODS.map(() => "---").join("|")}|\n${rows.join("\n")}\n\n` +
        `Per-step mean delta / acceptance, block L = 16, by step band (steps 0-9 are the noisiest):\n\n` +
        `| w | ${BAND_LABELS.join(" | ")} |\n|---|${BAND_LABELS.map(() => "---").join("|")}|\n${profiles.join("\n")}`,
      );
    }
    return sections.join("\n\n");
  } finally {
    await p.close();
  }
};

const BANDS = [[0, 10], [10, 20], [20, 30], [30, 40], [40, 50]] as const;
const BAND_LABELS = BANDS.map(([a, b]) => `steps ${a}-${b - 1}`);

/** Delta and acceptance averaged over each band's verified drafts. */
const bands = (stats: SampleStats): string[] =>
  BANDS.map(([a, b]) => {
    const steps = stats.per_step.filter((s) => s.step >= a && s.step < b && s.verified > 0);
    const n = steps.reduce((t, s) => t + s.verified, 0);
    if (n === 0) return "-";
    const delta = steps.reduce((t, s) => t + (s.delta ?? 0) * s.verified, 0) / n;
    const acc = steps.reduce((t, s) => t + (s.acceptance ?? 0) * s.verified, 0) / n;
    return `${delta.toFixed(2)} / ${pct(acc)}`;
  });
