// npm run bench:dimension [-- --quick] [--model ID[=PATH]]: does speculation survive dimension? (issue 13)
// Delta and acceptance per timestep band for eps, x0 and gaussian freeze at N in {25, 50, 100, 200}, on the
// learned digits model (d = 64), analytic mixtures of d = 64 and d = 3,072 (gmm-512's seeded construction),
// and a learned model named by --model (patches-32: its ONNX and scheduler_config.json, models/ID/ by default);
// then rounds per sample (95% intervals) and rows per sample for sequential, token and block at L in
// {4, 8, 16, 32}. Writes bench/results/dimension.md (--quick: .cache/bench/dimension-quick.md). Not a test.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { buildSeededMixture } from "../src/models/mixture512.ts";
import type { Freeze, Method } from "../src/sampler/options.ts";
import type { StepSummary } from "../src/sampler/summary.ts";
import { DIGITS_MODEL_PATH, digitsSchedulerConfig } from "../tools/learned/digits.ts";
import { fmt, fmtOpt, meanCI } from "./harness.ts";
import { SAMPLERS } from "./samplers/cells.ts";
import { mixtureTarget, onnxTarget, runTarget, type DraftTarget } from "./drafts/targets.ts";

const { values: args } = parseArgs({ options: { quick: { type: "boolean", default: false }, model: { type: "string" } } });
const quick = args.quick;
const NS = quick ? [25, 50] : [25, 50, 100, 200];
const WINDOWS = [4, 8, 16, 32];
const FREEZES: Freeze[] = ["eps", "x0", "gaussian"];
const BAND_WINDOW = 8;
const BANDS = 5; // of the 1000 training timesteps, 200 each
const SEED = 2026;
const DDPM = SAMPLERS.find((s) => s.id === "DDPM (reference)")!;
// A learned model of d = 3,072 costs ~10 ms a row on this CPU: 8 chains (4 with --quick) keep its column near 20 minutes.
const chainsFor = (t: DraftTarget) => (!t.analytic && t.dim > 1000 ? (quick ? 4 : 8) : quick ? 8 : t.dim > 1000 ? 32 : 64);
/** The learned 32x32 RGB model's column, filled when --model names it. */
const PATCHES = "patches-32";

/** --model ID[=PATH]: an epsilon ONNX model with scheduler_config.json beside it (models/ID/model.onnx by default). */
const learnedTarget = async (spec: string): Promise<DraftTarget> => {
  const [id, path = join("models", spec.split("=")[0], "model.onnx")] = spec.split("=");
  if (!existsSync(path)) throw new Error(`--model ${spec}: no ONNX file at ${path}`);
  const config = JSON.parse(readFileSync(join(dirname(path), "scheduler_config.json"), "utf8")) as Record<string, unknown>;
  return onnxTarget(id, path, config, availableParallelism());
};

interface Run { stats: { per_step: StepSummary[]; chains: { rounds: number }[]; target_rows: number; acceptance: number | null } }

/** Verified-weighted delta and acceptance of the steps whose training timestep lies in [lo, hi). */
const band = (steps: StepSummary[], lo: number, hi: number) => {
  const s = steps.filter((p) => p.t >= lo && p.t < hi && p.verified > 0);
  const n = s.reduce((a, p) => a + p.verified, 0);
  const mean = (k: "delta" | "acceptance") => (n ? s.reduce((a, p) => a + (p[k] ?? 0) * p.verified, 0) / n : null);
  return { delta: mean("delta"), acceptance: mean("acceptance") };
};

const main = async () => {
  const started = performance.now();
  const log = (l: string) => console.log(l);
  const targets: DraftTarget[] = [
    await onnxTarget("digits", DIGITS_MODEL_PATH, digitsSchedulerConfig()),
    mixtureTarget(buildSeededMixture(64)),
    mixtureTarget(buildSeededMixture(3072)),
  ];
  if (args.model) targets.push(await learnedTarget(args.model));
  const columns = [...targets.map((t) => t.id), ...(targets.some((t) => t.id === PATCHES) ? [] : [PATCHES])];
  const dimOf = (id: string) => targets.find((t) => t.id === id)?.dim ?? 3072;
  const run = (t: DraftTarget, steps: number, method: Method, draft: Record<string, unknown>): Promise<Run> =>
    runTarget(t, { sampler: DDPM, steps, method, draft, chains: chainsFor(t), seed: SEED });
  try {
    // 1. delta / acceptance per band: token-wise, L = BAND_WINDOW (acceptance = accepted given reached).
    const bandRuns = new Map<string, Run>();
    for (const t of targets)
      for (const freeze of FREEZES)
        for (const n of NS) {
          bandRuns.set(`${t.id}|${freeze}|${n}`, await run(t, n, "token", { window: BAND_WINDOW, freeze }));
          log(`bands ${t.id} ${freeze} N=${n}`);
        }
    const bandTables = FREEZES.map((freeze) => {
      const head = `**${freeze} freeze** (token-wise, L = ${BAND_WINDOW}; delta / acceptance per band of training timesteps t)\n\n` +
        `| N | t | ${columns.map((c) => `${c} (d = ${fmtInt(dimOf(c))})`).join(" | ")} |\n|---|---|${columns.map(() => "---|").join("")}`;
      const rows: string[] = [];
      for (const n of NS)
        for (let b = BANDS - 1; b >= 0; b--) {
          const lo = (1000 / BANDS) * b, hi = (1000 / BANDS) * (b + 1);
          const cells = columns.map((c) => {
            const r = bandRuns.get(`${c}|${freeze}|${n}`);
            if (!r) return "not measured";
            const m = band(r.stats.per_step, lo, hi);
            return m.delta === null ? "-" : `${fmt(m.delta, 2)} / ${fmtOpt(m.acceptance, 2)}`;
          });
          rows.push(`| ${n} | ${lo}-${hi - 1} | ${cells.join(" | ")} |`);
        }
      return `${head}\n${rows.join("\n")}`;
    });
    // 2. rounds and rows per sample.
    const grid = ["| model | d | N | sequential | token L=4 | token L=8 | token L=16 | token L=32 | block L=4 | block L=8 | block L=16 | block L=32 |", `|---|---|---|${"---|".repeat(9)}`];
    const headline: string[] = [];
    for (const t of targets)
      for (const n of NS) {
        const cell = async (method: Method, window?: number) => {
          const r = await run(t, n, method, window ? { window } : {});
          const rounds = meanCI(r.stats.chains.map((c) => c.rounds));
          return { rounds, rows: r.stats.target_rows / r.stats.chains.length };
        };
        const seq = await cell("sequential");
        const show = (c: { rounds: { mean: number; half: number }; rows: number }) => `${fmt(c.rounds.mean, 1)} ± ${fmt(c.rounds.half, 1)} (${fmt(c.rows, 0)})`;
        const cells = [show(seq)];
        let bestBlock = Infinity;
        for (const method of ["token", "block"] as const)
          for (const w of WINDOWS) {
            const c = await cell(method, w);
            cells.push(show(c));
            if (method === "block") bestBlock = Math.min(bestBlock, c.rounds.mean);
          }
        grid.push(`| ${t.id} | ${fmtInt(t.dim)} | ${n} | ${cells.join(" | ")} |`);
        log(grid.at(-1)!);
        headline.push(`${t.id} (d = ${fmtInt(t.dim)}) N = ${n}: block best ${fmt(bestBlock, 1)} rounds, ${fmt(n / bestBlock, 2)}x sequential`);
      }
    const minutes = (performance.now() - started) / 60000;
    const md = [
      "# Acceptance against dimension",
      `npm run bench:dimension${quick || args.model ? " --" : ""}${quick ? " --quick" : ""}${args.model ? ` --model ${args.model}` : ""}; ${minutes.toFixed(1)} min on the loaded 2-core machine; seed ${SEED}; ` +
        `${quick ? "8 chains (4 for a learned model of d = 3,072)" : "64 chains (d = 64), 32 (gmm-3072), 8 (a learned model of d = 3,072)"} per cell. DDPM throughout: digits (models/digits/model.onnx in process, its scheduler_config.json: leading spacing, clip_sample); ` +
        "gmm-64 and gmm-3072: gmm-512's seeded 8-component construction (std 0.5, unit per-coordinate variance) at d = 64 and 3,072, the analytic models' DDPM schedule, no clipping. " +
        `The ${PATCHES} column (the learned 32x32 RGB model, d = 3,072) fills with \`npm run bench:dimension -- --model ${PATCHES}\` (models/${PATCHES}/model.onnx and scheduler_config.json; \`--model ID=PATH\` for another file).`,
      "## delta and acceptance per timestep band",
      "delta: the draft's mean against the target's in units of the step's noise std (ALGORITHMS.md section 2); acceptance: drafts accepted over drafts verified (token-wise: accepted given reached, about 2 Phi_bar(delta / 2)). " +
        "Free Drafter, bonus, the freeze of each table; gaussian is the default draft (src/sampler/anchor.ts).",
      ...bandTables,
      `Where acceptance collapses (below ${COLLAPSE} in a band, N = 50):\n\n${collapse(bandRuns, targets.map((t) => t.id))}`,
      "## Rounds per sample (95% interval) and rows per sample",
      "Default draft (free, gaussian freeze, bonus) at each L; `rounds ± half-width (rows)`.",
      grid.join("\n"),
      headline.map((h) => `- ${h}`).join("\n"),
    ].join("\n\n");
    const out = quick ? ".cache/bench/dimension-quick.md" : "bench/results/dimension.md";
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${md}\n`);
    log(`\n${minutes.toFixed(1)} min; wrote ${out}`);
  } finally {
    await Promise.all(targets.map((t) => t.release()));
  }
};

const fmtInt = (n: number) => n.toLocaleString("en-US");

const COLLAPSE = 0.2;

/** Per model and freeze, the bands of N = 50 whose token-wise acceptance is below COLLAPSE, with their delta. */
const collapse = (runs: Map<string, Run>, ids: string[]): string => {
  const lines: string[] = [];
  for (const id of ids)
    for (const freeze of FREEZES) {
      const r = runs.get(`${id}|${freeze}|50`);
      if (!r) continue;
      const low: string[] = [];
      for (let b = BANDS - 1; b >= 0; b--) {
        const lo = (1000 / BANDS) * b, hi = (1000 / BANDS) * (b + 1);
        const m = band(r.stats.per_step, lo, hi);
        if (m.acceptance !== null && m.acceptance < COLLAPSE) low.push(`t ${lo}-${hi - 1} (delta ${fmt(m.delta ?? 0, 1)}, acceptance ${fmt(m.acceptance, 2)})`);
      }
      lines.push(`- ${id}, ${freeze}: ${low.length ? low.join("; ") : "none"}`);
    }
  return lines.join("\n");
};

await main();
