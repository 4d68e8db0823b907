// Memory per chain and per round, from the same formula the limits use (src/api/limits.ts, counted from
// the allocating code and checked against core memory by test/sampler/memory.test.ts), beside the
// formula before the lean chain state; the largest latent admitted; and what workerd's resident memory
// does during one SD3-sized request.  npm run bench:memory
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { checkLimits, LIMITS, requestMemory, type RequestSize } from "../src/api/limits.ts";
import { chainBytes } from "../src/sampler/buffers.ts";
import { startBundle } from "./e2e/worker.ts";

const MIB = 2 ** 20;
const mib = (b: number) => (b / MIB).toFixed(2);

// Before: every chain held 7 + 5 (L + 1) rows (states, draft means and noise, target means, outputs),
// and each round copied the batch in and out (2 (L + 1) rows), under a fixed 32 MiB per request.
const oldChainBytes = (d: number, L: number) => 4 * d * (7 + 5 * (L + 1));
const oldRequestBytes = (d: number, L: number, k: number) => oldChainBytes(d, L) + 4 * (2 * (L + 1) * d + k * d);
const OLD_LIMIT = 32 * MIB;

const size = (dim: number, window: number, over: Partial<RequestSize> = {}): RequestSize => ({
  numSamples: 1, dim, steps: 28, window, frozenTarget: false, preview: false, components: 4, wireBytes: 0, output: "npy", image: null, ...over,
});

console.log("## Bytes per chain and per round (Free Drafter, one chain)\n");
console.log("| d | L | per chain before (MiB) | per chain now (MiB) | rows now | round, embedded | round, FP32 wire (MiB) | round, FP16 wire (MiB) |");
console.log("|---|---|---|---|---|---|---|---|");
for (const d of [4096, 65536, 262144]) {
  for (const L of [4, 16, 32]) {
    const now = chainBytes({ dim: d, window: L, frozenTarget: false, preview: false });
    const wire = (b: number) => requestMemory(size(d, L, { components: 0, wireBytes: b })).round;
    console.log(`| ${d} | ${L} | ${mib(oldChainBytes(d, L))} | ${mib(now)} | ${(now / (4 * d)).toFixed(2)} | 0 | ${mib(wire(4))} | ${mib(wire(2))} |`);
  }
}

const largest = (fits: (d: number) => boolean): number => {
  let lo = 0, hi = 4 * 262144;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
};
const admits = (s: RequestSize) => {
  try {
    checkLimits(s);
    return true;
  } catch {
    return false;
  }
};
console.log("\n## Largest dimension admitted for one chain at L = 16 (embedded mixture of 4 components, npy answer)\n");
console.log(`- before: d = ${largest((d) => oldRequestBytes(d, 16, 4) <= OLD_LIMIT)} (fixed ${mib(OLD_LIMIT)} MiB per request)`);
console.log(`- now: d = ${largest((d) => admits(size(d, 16)))} (${mib(LIMITS.isolateRequestBytes)} MiB per isolate, shared by concurrent requests)`);
console.log(`- now, remote FP32 provider: d = ${largest((d) => admits(size(d, 16, { components: 0, wireBytes: 4 })))}; FP16: d = ${largest((d) => admits(size(d, 16, { components: 0, wireBytes: 2 })))}`);
for (const [what, s] of [["latent-16x128 (embedded)", size(262144, 16)], ["latent-16x128 (remote FP32)", size(262144, 16, { components: 0, wireBytes: 4 })], ["rgb-256 (embedded)", size(196608, 16)]] as const) {
  const m = requestMemory(s);
  console.log(`- ${what}, L = 16: core ${mib(m.core)} MiB + round ${mib(m.round)} MiB + answer ${mib(m.answer)} MiB = ${mib(m.total)} MiB; ${Math.floor(LIMITS.isolateRequestBytes / m.total)} at once per isolate`);
}

// workerd's resident memory (VmRSS of the workerd process Miniflare starts), sampled every 10 ms.
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024;
const workerdPids = (): number[] => {
  try {
    return execFileSync("pgrep", ["-x", "workerd"], { encoding: "utf8" }).trim().split("\n").filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when none runs
  }
};

console.log("\n## workerd resident memory during one latent-16x128 request (1 chain, L = 16, 28 steps, block, npy)\n");
const before = new Set(workerdPids());
const mf = startBundle("dist", {});
try {
  await mf.ready;
  const pid = workerdPids().find((p) => !before.has(p));
  if (pid === undefined) throw new Error("workerd process not found");
  const warm = await mf.dispatchFetch("http://bench/v1/health");
  await warm.arrayBuffer();
  const est = requestMemory(size(262144, 16)).total;
  // The first request also builds the model's means once per isolate; the second shows the request alone.
  for (const run of ["first", "second"]) {
    const idle = rssOf(pid);
    let peak = idle;
    const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 10);
    const started = performance.now();
    const res = await mf.dispatchFetch("http://bench/v1/samples", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "latent-16x128", num_samples: 1, steps: 28, method: "block", draft: { window: 16 }, seed: 1, output: "npy" }),
    });
    const bytes = (await res.arrayBuffer()).byteLength;
    clearInterval(timer);
    peak = Math.max(peak, rssOf(pid));
    const stats = JSON.parse(res.headers.get("x-stats") ?? "{}");
    console.log(`- ${run} request: status ${res.status}, ${bytes} bytes, ${(performance.now() - started).toFixed(0)} ms, ${stats.rounds} rounds, acceptance ${stats.acceptance?.toFixed(3)}; RSS before ${mib(idle)} MiB, peak ${mib(peak)} MiB: +${mib(peak - idle)} MiB (estimate ${mib(est)} MiB)`);
  }
} finally {
  await mf.dispose();
}
