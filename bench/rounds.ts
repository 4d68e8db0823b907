// npm run bench:rounds [-- --quick]: rounds per sample and speed-up of sequential, token and block
// (Free Drafter) over the built-in models, N and L; then what each draft choice buys. Not a test.
import { mkdirSync, writeFileSync } from "node:fs";
import { builtinModel, type GaussianMixture } from "../src/models/index.ts";
import { buildSeededMixture } from "../src/models/mixture512.ts";
import type { DraftOptions, Method } from "../src/sampler/options.ts";
import { fmt, fmtOpt, meanCI, runEmbedded, weightedStepMean } from "./harness.ts";
import { speedupPlot } from "./plot.ts";

const quick = process.argv.includes("--quick");
const MODELS = ["ring-2d", "gmm-512", "glyphs"];
const NS = quick ? [50, 200] : [50, 200, 1000];
const LS = [2, 4, 8, 16];
const chainsFor = (id: string, n: number) => (quick ? 8 : id === "glyphs" && n >= 1000 ? 16 : 32);

interface Row { model: string; n: number; method: Method; window: number; label: string; rounds: { mean: number; half: number }; speedup: number; acceptance: number | null; rowsPerSample: number; delta: number | null; coupling: number | null }

const measure = async (model: GaussianMixture, n: number, method: Method, draft: Partial<DraftOptions>, label: string): Promise<Row> => {
  const chains = chainsFor(model.id, n);
  const run = await runEmbedded({ model, steps: n, method, draft, chains, seed: 12345 });
  const rounds = meanCI(run.stats.chains.map((c) => c.rounds));
  const delta = weightedStepMean(run.stats.per_step, "delta");
  const coupling = weightedStepMean(run.stats.per_step, "coupling_acceptance");
  return { model: model.id, n, method, window: draft.window ?? 0, label, rounds, speedup: n / rounds.mean, acceptance: run.stats.acceptance, rowsPerSample: run.stats.target_rows / chains, delta, coupling };
};

const line = (r: Row) =>
  `| ${r.model} | ${r.n} | ${r.label} | ${r.window || "-"} | ${fmt(r.rounds.mean, 1)} ± ${fmt(r.rounds.half, 1)} | ${fmt(r.speedup)}x | ${fmtOpt(r.acceptance)} | ${fmtOpt(r.delta)} | ${fmt(r.rowsPerSample, 0)} |`;
const header = "| model | N | method | L | rounds/sample (95% CI) | speed-up | acceptance | mean delta | rows/sample |\n|---|---|---|---|---|---|---|---|---|";

const main = async () => {
  const rows: Row[] = [];
  console.log(`## Rounds per sample (Free Drafter, default freeze and bonus)\n\n${header}`);
  for (const id of MODELS) {
    const model = builtinModel(id)!;
    for (const n of NS) {
      const seq = await measure(model, n, "sequential", {}, "sequential");
      rows.push(seq);
      console.log(line(seq));
      for (const method of ["token", "block"] as const)
        for (const window of LS) {
          const r = await measure(model, n, method, { type: "free", window }, method);
          rows.push(r);
          console.log(line(r));
        }
    }
  }
  console.log("\n## Best L per model and N: block against token\n\n| model | N | token best (L) | block best (L) | block rounds saved vs token |\n|---|---|---|---|---|");
  for (const id of MODELS)
    for (const n of NS) {
      const best = (m: Method) => rows.filter((r) => r.model === id && r.n === n && r.method === m).sort((a, b) => a.rounds.mean - b.rounds.mean)[0];
      const t = best("token"), b = best("block");
      console.log(`| ${id} | ${n} | ${fmt(t.rounds.mean, 1)} (${t.window}) | ${fmt(b.rounds.mean, 1)} (${b.window}) | ${fmt(100 * (1 - b.rounds.mean / t.rounds.mean), 1)}% |`);
    }
  console.log(`\n## Draft choices at N = 200, L = 8 (block verification unless stated)\n\n${header}`);
  const variants: [string, Method, Partial<DraftOptions>][] = [
    ["block free eps", "block", { freeze: "eps" }],
    ["block free x0", "block", { freeze: "x0" }],
    ["block free x0 no-bonus", "block", { freeze: "x0", bonus: false }],
    ["block free x0 adaptive L<=8", "block", { freeze: "x0", adaptive: true }],
    ["block free x0 L=16", "block", { freeze: "x0", window: 16 }],
    ["block free x0 adaptive L<=16", "block", { freeze: "x0", window: 16, adaptive: true }],
    ["block free x0 L=32", "block", { freeze: "x0", window: 32 }],
    ["block frozen-target x0", "block", { type: "frozen-target", freeze: "x0" }],
    ["token free eps", "token", { freeze: "eps" }],
    ["token free x0", "token", { freeze: "x0" }],
  ];
  for (const id of MODELS)
    for (const [label, method, draft] of variants) console.log(line(await measure(builtinModel(id)!, 200, method, { window: 8, ...draft }, label)));
  console.log("\n## delta against dimension (seeded 8-component mixture as gmm-512, N = 200, token-wise L = 8)\n\n| d | freeze | mean delta | coupling acceptance 2 Phi_bar(delta/2) | measured acceptance | token speed-up | block speed-up |\n|---|---|---|---|---|---|---|");
  for (const d of [2, 8, 32, 128, 512, 2048])
    for (const freeze of ["eps", "x0"] as const) {
      const model = buildSeededMixture(d);
      const t = await measure(model, 200, "token", { window: 8, freeze }, "token");
      const b = await measure(model, 200, "block", { window: 8, freeze }, "block");
      console.log(`| ${d} | ${freeze} | ${fmt(t.delta ?? 0, 3)} | ${fmt(t.coupling ?? 0, 3)} | ${fmt(t.acceptance ?? 0, 3)} | ${fmt(t.speedup)}x | ${fmt(b.speedup)}x |`);
    }
  // A quick run is a smoke test: it leaves the committed full-run plot alone.
  const plot = quick ? "bench/results/speedup-vs-L.quick.svg" : "bench/results/speedup-vs-L.svg";
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(plot, speedupPlot(rows, 200));
  console.log(`\nplot: ${plot}`);
};

await main();
