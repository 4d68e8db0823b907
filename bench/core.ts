// npm run bench:core: per-round core work of one chain (draft L steps, verification statistics and block tau,
// one weighted-residual draw) on core.wasm (SIMD) against a plain-TypeScript reference of the same maths.
// Single-threaded, so "one core". Not a test: prints a table and whether the targets of issue 2 are met.
import { cpus, loadavg } from "node:os";
import { newCore } from "../tools/fixtures/core.ts";
import { describeBandwidth, measureBandwidth } from "./bandwidth.ts";
import { makeInputs, referenceRound, wasmRound, type Round } from "./core-round.ts";

const DIMS = [2, 4096, 65536, 262144];
const L = 8;
const DELTA = 0.5; // |muT - muD| / sigma of every step: mixed accept/reject, as a working draft gives

// Bytes touched per round (f32 = 4 bytes; each kernel call counted once per read and write of a d-vector):
//   draft, per step:  normals write 4d; mean affine2 reads x0, y_{i-1}, writes muD: 12d; noise affine2 reads muD, xi, writes y_i: 12d
//   statistics, per step: one pass reading muT, muD, xi: 12d
//   residual: zeta write 4d; projection e . zeta reads muT, muD, zeta: 12d; output reads muT, muD, zeta, writes y: 16d
//   total = L (28d + 12d) + 32d = (40 L + 32) d bytes; O(L) scalar work (tau, 1-D inverse CDF) is not counted.
const bytesPerRound = (d: number) => (40 * L + 32) * d;

const fmt = (x: number, digits = 2) => x.toFixed(digits);
const now = () => Number(process.hrtime.bigint()) / 1e6; // ms

/** Median (and least) ms of fn() over batches sized to >= 1 ms each, after a warm-up; stops after budgetMs or 400 samples (at least 7). */
const timeIt = (fn: () => void, budgetMs: number): { ms: number; min: number; runs: number } => {
  let t0 = now(), runs = 0;
  while (runs < 3 || now() - t0 < Math.min(300, budgetMs / 4)) { fn(); runs++; }
  const perRun = (now() - t0) / runs;
  const batch = Math.max(1, Math.ceil(1 / perRun));
  const samples: number[] = [];
  t0 = now();
  while (samples.length < 7 || (now() - t0 < budgetMs && samples.length < 400)) {
    const s = now();
    for (let k = 0; k < batch; k++) fn();
    samples.push((now() - s) / batch);
  }
  samples.sort((x, y) => x - y);
  return { ms: samples[samples.length >> 1], min: samples[0], runs: samples.length * batch };
};

const fullRound = (r: Round) => function round() {
  r.draft();
  r.residual(r.verify());
};

// Disagreement between the two paths after one round each: per-step statistics (largest relative), tau,
// the residual's 1-D coordinate (absolute) and its output (relative L2).
const agreement = (w: Round, t: Round) => {
  for (const r of [w, t]) fullRound(r)();
  const a = w.result(), b = t.result();
  let stat = 0;
  for (let i = 0; i < a.stats.length; i++) stat = Math.max(stat, Math.abs(a.stats[i] - b.stats[i]) / Math.max(1, Math.abs(b.stats[i])));
  let num = 0, den = 0;
  for (let i = 0; i < a.y.length; i++) { num += (a.y[i] - b.y[i]) ** 2; den += b.y[i] ** 2; }
  return { stat, s: Math.abs(a.s - b.s), y: Math.sqrt(num / den), tau: a.tau === b.tau ? `${a.tau}` : `${a.tau} vs ${b.tau}` };
};

const main = () => {
  console.log(`# core.wasm per-round benchmark (one chain, L = ${L}, delta = ${DELTA})\n`);
  console.log(`machine: ${cpus()[0].model} (${cpus().length} logical CPUs, load ${loadavg().map((x) => fmt(x)).join(" ")}); node ${process.version}; ${new Date().toISOString()}\n`);
  // Measured first, in the same wasm, so each round's GB/s can be read as a fraction of what the machine streams.
  const bandwidth = measureBandwidth();
  console.log(`${describeBandwidth(bandwidth)}\n`);
  const rows: string[] = [], phases: string[] = [], checks: string[] = [];
  const verdicts: string[] = [];
  for (const d of DIMS) {
    const inputs = makeInputs(d, L);
    const core = newCore();
    const w = wasmRound(core, inputs, DELTA), t = referenceRound(inputs);
    const budget = d <= 4096 ? 1500 : 4000; // ms per path; the whole run takes about 45 s
    const ws = timeIt(fullRound(w), budget), ts = timeIt(fullRound(t), budget);
    const simd = ws.ms, plain = ts.ms;
    const gbs = (ms: number) => bytesPerRound(d) / (ms * 1e6);
    const fraction = gbs(simd) / bandwidth.triadGBs;
    rows.push(`| ${d} | ${fmt(simd, 4)} (${fmt(ws.min, 4)}) | ${fmt(plain, 4)} (${fmt(ts.min, 4)}) | ${fmt(plain / simd, 1)}x | ${fmt(bytesPerRound(d) / 1e6, 2)} | ${fmt(gbs(simd))} | ${fmt(100 * fraction, 0)}% | ${fmt(gbs(plain), 3)} | ${ws.runs} / ${ts.runs} |`);
    if (d >= 65536) verdicts.push(`round at >= 70% of triad bandwidth at d = ${d}: ${fraction >= 0.7 ? "met" : "NOT met"} (${fmt(100 * fraction, 0)}% of ${fmt(bandwidth.triadGBs)} GB/s)`);
    const tau = w.verify();
    const phase = (fn: () => void) => fmt(timeIt(fn, budget / 3).ms, 4);
    phases.push(`| ${d} | ${phase(() => w.draft())} | ${phase(() => w.verify())} | ${phase(() => w.residual(tau))} |`);
    const ag = agreement(w, t);
    checks.push(`| ${d} | ${ag.tau} | ${ag.stat.toExponential(1)} | ${ag.s.toExponential(1)} | ${ag.y.toExponential(1)} |`);
    if (d >= 4096) verdicts.push(`SIMD >= 5x plain TypeScript at d = ${d}: ${plain / simd >= 5 ? "met" : "NOT met"} (${fmt(plain / simd, 1)}x)`);
    if (d === 65536) verdicts.push(`round under 5 ms at d = 65536, L = ${L}: ${simd < 5 ? "met" : "NOT met"} (${fmt(simd, 3)} ms)`);
  }
  console.log("| d | wasm SIMD ms/round (min) | plain TS ms/round (min) | ratio | MB touched/round | SIMD GB/s | of triad | plain TS GB/s | rounds timed (wasm / TS) |\n|---|---|---|---|---|---|---|---|---|");
  console.log(rows.join("\n"));
  console.log("\nwasm phases (ms, median): draft = L x (normals + 2 affine2); verify = L x stepStats + block tau; residual = u, zeta, 1-D inverse CDF, reconstruction\n");
  console.log("| d | draft | verify | residual |\n|---|---|---|---|");
  console.log(phases.join("\n"));
  console.log("\nagreement of the two paths on the same inputs (their normals differ by <= 3e-7, and the draft means carry that into |muT - muD|)\n");
  console.log("| d | tau (wasm vs TS) | max rel. diff of (delta, s, log r) | residual s abs. diff | residual output rel. L2 diff |\n|---|---|---|---|---|");
  console.log(checks.join("\n"));
  console.log(`\ntargets:\n${verdicts.map((v) => `- ${v}`).join("\n")}`);
};

main();
