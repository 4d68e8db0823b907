// npm run bench:learned [-- --quick] [--dist DIR] [--conditional-only]: the sampler on the learned digits model (in process,
// onnxruntime-node) against analytic mixtures of the same dimension: per-step delta and acceptance,
// rounds per sample over method x freeze x L x N, draft choices, wall-clock through the Worker and the
// provider at 25 ms RTT, and a quality check. Writes bench/results/learned.md (--quick: .cache/bench/). Also the
// conditional pipeline (models/digits-cond) under guidance: bench/results/learned-conditional.md, alone with
// --conditional-only. Not a test.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { deltaTables } from "./delta.ts";
import { qualityTables } from "./quality.ts";
import { bestTable, gridTable, NS, roundsGrid, variantsTable } from "./rounds.ts";
import { digitsTarget, mixtureTargets } from "./targets.ts";
import { wallClockTable, type WallSpec } from "./wallclock.ts";
import { conditionalTables } from "./conditional.ts";

const { values: args } = parseArgs({ options: { quick: { type: "boolean", default: false }, dist: { type: "string", default: "dist" }, "conditional-only": { type: "boolean", default: false } } });
const CHAINS = args.quick ? 16 : 128;
const QUALITY_CHAINS = args.quick ? 300 : 2000;
const WALL = { chains: 64, rttMs: 25, repeats: args.quick ? 1 : 2 };

const log = (line: string) => console.log(line);

const CONDITIONAL_CHAINS = args.quick ? 20 : 200;

/** The conditional model's tables, written to their own file. */
const conditional = async () => {
  const started = performance.now();
  log("## conditional digits under guidance");
  const tables = await conditionalTables(CONDITIONAL_CHAINS, log);
  const minutes = (performance.now() - started) / 60000;
  const md = [
    "# Conditional model: the sampler on models/digits-cond under classifier-free guidance",
    `npm run bench:learned -- --conditional-only${args.quick ? " --quick" : ""}; ${fmtInt(CONDITIONAL_CHAINS)} chains per cell (classes 0..9 in turn), ${minutes.toFixed(1)} min. ` +
      "The digits-cond entry of wrangler.toml (class labels, flow matching, latents [2, 4, 4] = 32 values, guidance in rows: a conditional and a null-class row per chain in the same call), " +
      "through the app in process and the reference provider (onnxruntime on CPU) on localhost. Rounds per sample: sequential calls a chain took part in, mean over chains. " +
      "Samplers are exact with respect to the guided sequential sampler of the same scale; no published figure exists for how guidance changes acceptance.",
    tables,
  ].join("\n\n");
  const out = args.quick ? ".cache/bench/learned-conditional-quick.md" : "bench/results/learned-conditional.md";
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${md}\n`);
  log(`\ntables: ${out}`);
};

const main = async () => {
  if (args["conditional-only"]) return conditional();
  const started = performance.now();
  const digits = await digitsTarget();
  const mixtures = mixtureTargets();
  const targets = [digits, ...mixtures];
  const ids = targets.map((t) => t.id);
  try {
    log("## per-step delta (token L = 8, N = 200)");
    const delta = await deltaTables(targets, CHAINS);
    log(`${delta.summary}\n\n${delta.profiles}`);
    log("\n## rounds grid");
    const grid = await roundsGrid(targets, CHAINS, log);
    const best = bestTable(grid, ids);
    log(`\n${best}`);
    log("\n## draft choices");
    const variants = await variantsTable(targets, CHAINS, log);
    log("\n## quality");
    const quality = await qualityTables(digits, QUALITY_CHAINS, log);
    log(`\n${quality.nearest}`);
    log("\n## wall-clock");
    const specs: WallSpec[] = NS.flatMap((n) => [
      { n, method: "sequential" as const },
      { n, method: "token" as const, window: grid.best("digits", n, "token").spec.draft?.window },
      { n, method: "block" as const, window: grid.best("digits", n, "block").spec.draft?.window },
      { n, method: "block" as const, window: 32 }, // the best of the draft choices on digits
    ]);
    const wall = await wallClockTable(args.dist, specs, WALL, log);
    const minutes = (performance.now() - started) / 60000;
    const md = [
      "# Learned model: the sampler on models/digits",
      `npm run bench:learned${args.quick ? " -- --quick" : ""}; ${fmtInt(CHAINS)} chains per cell (rounds), ${fmtInt(QUALITY_CHAINS)} samples per arm (quality), ${minutes.toFixed(1)} min. ` +
        "digits: the ONNX network in process (onnxruntime-node, 1 thread, the same float32 outputs the provider serves: test/learned/paths.test.ts), " +
        "its scheduler_config.json (DDPM, leading spacing, clip_sample). gmm-64 and mix-64: analytic mixtures in d = 64 with the analytic models' DDPM schedule (no clipping). " +
        "Rounds per sample: sequential calls a chain took part in (warm-up and final step included), mean over chains with a 95% interval; request rounds: the request's batched calls (its slowest chain). Speed-up: N / rounds per sample.",
      "## Per-step delta and acceptance against analytic mixtures of the same dimension",
      delta.summary,
      delta.profiles,
      "## Rounds per sample: best L per method and freeze",
      best,
      "## Rounds per sample on digits (Free Drafter, bonus; eps and x0 freeze)",
      gridTable(grid, "digits"),
      "## The same grid on the analytic mixtures (d = 64)",
      gridTable(grid, "gmm-64"),
      gridTable(grid, "mix-64"),
      "## Draft choices beyond the papers (adaptive window, bonus, frozen target, L = 32)",
      variants,
      `## Wall-clock through the Worker and the provider at ${WALL.rttMs} ms RTT`,
      `${WALL.chains} samples per request, the dry-run bundle in Miniflare calling the reference provider (the ONNX model on CPU, one call per round), best L by rounds per sample from the grid (x0 freeze) and block at L = 32, ${WALL.repeats} timed requests per row after a warm-up.`,
      wall,
      "## Quality: every method against the sequential sampler",
      `digits, N = 100, ${fmtInt(QUALITY_CHAINS)} samples per arm, the tests' statistic (KS on 5 projections and the norm, Bonferroni over 6: tools/fixtures/two-sample.ts). A p-value below 1e-3 would flag a difference; the last row shows the test sees a real one.`,
      quality.twoSample,
      "## Nearest training image",
      "Euclidean distance in pixel space ([-1, 1], 64 pixels) from each sample to its nearest training image, against each training image's distance to its nearest other training image. Copies would pile up near 0.",
      quality.nearest,
    ].join("\n\n");
    // --quick is for trying the code: it must not overwrite the committed results.
    const out = args.quick ? ".cache/bench/learned-quick.md" : "bench/results/learned.md";
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${md}\n`);
    log(`\ntables: ${out}`);
  } finally {
    await Promise.all(targets.map((t) => t.release()));
  }
  await conditional();
};

const fmtInt = (n: number) => n.toLocaleString("en-US");

await main();
