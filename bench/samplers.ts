// npm run bench:samplers [-- --quick]: speculative sampling under each scheduler the product implements
// (DDPM, DDIM eta 1, Euler ancestral with and without Karras sigmas, flow matching's stochastic sampling and
// SDE) on gmm-512, glyphs and the learned digits model: rounds per sample, delta and acceptance per band of
// the schedule, and the best draft per sampler. Writes bench/results/samplers.md (full run only). Not a test.
import { mkdirSync, writeFileSync } from "node:fs";
import type { DraftOptions, Method } from "../src/sampler/options.ts";
import { analyticTarget, digits, measure, SAMPLERS, type Cell, type Sampler, type Target } from "./samplers/cells.ts";
import { BANDS, bandTable, bestDraft, GRID_HEADER, gridLine, headline, POOR_ACCEPTANCE, POOR_ROUNDS } from "./samplers/tables.ts";

const quick = process.argv.includes("--quick");
// 64 chains per cell keeps the full run near 4 minutes on this 2-core machine; --quick: 8 chains, N = 50 only.
const CHAINS = quick ? 8 : 64;
const NS = quick ? [50] : [25, 50, 100];
const FOCUS_N = 50;
const WINDOWS = quick ? [4, 16] : [4, 8, 16];
const SEED = 12345;

/** The rounds grid's arms: the default draft (free, x0, L = 16, bonus) and eps freeze where the API allows it. */
const arms = (s: Sampler): [Method, Partial<DraftOptions>][] => [
  ["sequential", {}],
  ["token", {}],
  ["block", {}],
  ...(s.flow ? [] : ([["token", { freeze: "eps" }], ["block", { freeze: "eps" }]] as [Method, Partial<DraftOptions>][])),
];

const main = async () => {
  const started = performance.now();
  const targets: Target[] = [analyticTarget("gmm-512"), analyticTarget("glyphs"), await digits()];
  const cells: Cell[] = [];
  const pairs: [string, string][] = [];
  const run = async (t: Target, s: Sampler, n: number, method: Method, draft: Partial<DraftOptions>) => {
    const c = await measure(t, { sampler: s, steps: n, method, draft, chains: CHAINS, seed: SEED });
    cells.push(c);
    return c;
  };
  console.log(`## Rounds per sample (${CHAINS} chains per cell)\n\n${GRID_HEADER}`);
  try {
    for (const t of targets)
      for (const s of SAMPLERS.filter((x) => t.analytic || !x.flow)) {
        pairs.push([t.id, s.id]);
        for (const n of NS) for (const [method, draft] of arms(s)) console.log(gridLine(await run(t, s, n, method, draft)));
        // The best-draft search at N = 50: block, each freeze the API allows, each L (L = 16 measured above).
        for (const freeze of s.flow ? (["x0"] as const) : (["x0", "eps"] as const))
          for (const window of WINDOWS.filter((w) => w !== 16)) await run(t, s, FOCUS_N, "block", { freeze, window });
      }
  } finally {
    for (const t of targets) await t.release();
  }
  const minutes = (performance.now() - started) / 60000;
  const head = headline(cells, pairs, FOCUS_N);
  const band = bandTable(cells, pairs, FOCUS_N, "acceptance");
  const drift = bandTable(cells, pairs, FOCUS_N, "drift");
  const best = bestDraft(cells, pairs, FOCUS_N, WINDOWS);
  const grid = [GRID_HEADER, ...cells.filter((c) => c.window === null || c.window === 16).map(gridLine)].join("\n");
  const sections = [
    `## Rounds per sample at N = ${FOCUS_N}: block against sequential\n\n${head}`,
    `## delta / acceptance per band (block, free, x0, L = 16, bonus; N = ${FOCUS_N}; ${BANDS} bands by step index; overall: all verified drafts, its delta dominated by the last, near-noiseless steps)\n\n${band}`,
    "### Why: sensitivity / x0_hat drift per band\n\nx0 freeze's delta at a step is k |x0_frozen - x0_hat(y)|, k = |d mean / d x0_hat| / noise std (median over the band's stochastic steps; " +
      "the last step is deterministic and k infinite there: its delta is the final residual, not a drift). The drift column is delta / k, the L2 distance x0_hat moved from the window's frozen value, " +
      `weighted by verified drafts. Acceptance falls when the schedule makes k large (few, noise-poor steps) or moves x0_hat fast per step (steps covering much signal).\n\n${drift}`,
    `## Best draft per sampler (block, N = ${FOCUS_N}; rounds per sample)\n\nPoor: acceptance below ${POOR_ACCEPTANCE} or rounds above ${POOR_ROUNDS}x DDPM's best on the model; ` +
      "why: the band whose acceptance falls furthest below DDPM's, with its sensitivity and x0_hat drift against DDPM's (table above). " +
      `Tied: options within the combined 95% half-widths of the best.\n\n${best.table}\n\n${best.lines.join("\n")}`,
  ];
  console.log(`\n${sections.join("\n\n")}\n\n${minutes.toFixed(1)} min`);
  if (quick) return;
  const md = [
    "# Samplers: speculative sampling under each scheduler",
    `npm run bench:samplers; ${CHAINS} chains per cell (reduced from the 128 of bench:learned to keep the run near ${Math.ceil(minutes)} minutes on the loaded 2-core machine), seed ${SEED}, ${minutes.toFixed(1)} min. ` +
      "gmm-512 and glyphs: the analytic built-ins through the tests' fixture (clip_sample false); digits: the ONNX network in process with its scheduler_config.json, " +
      "the sampler's _class_name (and keys) replacing DDPMScheduler, betas and leading spacing kept (DDPM and DDIM clip x0_hat there; Euler never clips). " +
      "Flow matching samples the analytic models only (digits is an epsilon model), always with x0 freeze: the API refuses eps freeze at sigma = 1. " +
      "Rounds per sample: sequential calls a chain took part in, mean over chains with a 95% interval; speed-up N / rounds; acceptance: drafts committed over drafts verified; " +
      "delta: the draft's mean against the target's in units of the step's noise std (acceptance about 2 Phi(-delta / 2) per coupled draft). " +
      "Without clipping, DDIM eta 1 samples DDPM's Markov chain, and Euler ancestral does too on the same timesteps (in the scaled frame x sqrt(1 + sigma^2)); on the analytic models Euler ancestral runs diffusers' default linspace spacing, on digits the model's leading spacing. " +
      "DDIM eta 1's rows on the analytic models match DDPM's; Euler ancestral's differ only by its other timesteps.",
    ...sections,
    `## Rounds per sample over N (default draft and eps freeze)\n\n${grid}`,
  ];
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/samplers.md", `${md.join("\n\n")}\n`);
  console.log("\nwrote bench/results/samplers.md");
};

await main();
