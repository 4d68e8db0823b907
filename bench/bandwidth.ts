// Single-core memory bandwidth of this machine as core.wasm sees it: STREAM Copy and Triad
// (assembly/bandwidth.ts) over a working set far larger than the last-level cache, median of several
// repetitions. bench:core prints it; the round's effective GB/s is judged as a fraction of it.
// `node bench/bandwidth.ts` prints it alone.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { newCore } from "../tools/fixtures/core.ts";

interface BandwidthKernels {
  streamCopy(out: number, x: number, n: number): void;
  streamTriad(out: number, b: number, q: number, c: number, n: number): void;
}

export interface BandwidthOptions {
  /** Bytes each kernel streams through per call (copy: 2 arrays, triad: 3); default 120 MiB. */
  workingSetBytes?: number;
  /** Timed calls per kernel, after one untimed warm-up; default 21. */
  reps?: number;
}

export interface Bandwidth {
  /** GB/s (1e9 bytes) of the median call, counting 8 bytes per element (read + write). */
  copyGBs: number;
  /** GB/s of the median call, counting 12 bytes per element (2 reads + 1 write; no write-allocate traffic). */
  triadGBs: number;
  /** GB/s of the fastest call (STREAM's "best rate"): less sensitive to other processes on a shared machine. */
  copyBestGBs: number;
  triadBestGBs: number;
  workingSetBytes: number;
  reps: number;
}

// core.wasm may grow to 2048 pages (128 MiB): 120 MiB leaves room for its static data and stack.
// That is 3.75x a 32 MiB L3, and a cyclic stream larger than the cache gets no reuse from it.
const WORKING_SET = 120 * 2 ** 20;
const REPS = 21;
const TRIAD_Q = 3; // STREAM's scalar

const nowNs = () => Number(process.hrtime.bigint());
const seconds = (fn: () => void): number => {
  const s = nowNs();
  fn();
  return (nowNs() - s) / 1e9;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Measures copy and triad bandwidth in one fresh core instance (one allocation, filled before timing). */
export const measureBandwidth = (opts: BandwidthOptions = {}): Bandwidth => {
  const workingSetBytes = opts.workingSetBytes ?? WORKING_SET;
  const reps = opts.reps ?? REPS;
  const core = newCore();
  const k = core.raw as unknown as BandwidthKernels;
  const total = Math.floor(workingSetBytes / 4 / 24) * 24; // f32 elements, divisible by 2 and 3 (and 8)
  const base = core.allocF32(total);
  core.f32(base, total).fill(1.5); // touch every page before timing
  const half = total / 2, third = total / 3;
  const at = (i: number) => base + 4 * i;
  const copy = () => k.streamCopy(at(half), at(0), half);
  const triad = () => k.streamTriad(at(0), at(third), TRIAD_Q, at(2 * third), third);
  copy();
  triad();
  // Alternate the kernels so that a burst of load from other processes falls on both alike.
  const tc: number[] = [], tt: number[] = [];
  for (let r = 0; r < reps; r++) {
    tc.push(seconds(copy));
    tt.push(seconds(triad));
  }
  const copyBytes = 8 * half, triadBytes = 12 * third;
  return {
    copyGBs: copyBytes / median(tc) / 1e9,
    triadGBs: triadBytes / median(tt) / 1e9,
    copyBestGBs: copyBytes / Math.min(...tc) / 1e9,
    triadBestGBs: triadBytes / Math.min(...tt) / 1e9,
    workingSetBytes: 4 * total,
    reps,
  };
};

/** The last-level (L3) cache size of CPU 0 in bytes, where Linux reports it; null elsewhere. */
export const l3Bytes = (): number | null => {
  try {
    const text = readFileSync("/sys/devices/system/cpu/cpu0/cache/index3/size", "utf8").trim();
    const m = /^(\d+)([KMG]?)$/.exec(text);
    return m ? Number(m[1]) * { "": 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 }[m[2] as "" | "K" | "M" | "G"] : null;
  } catch {
    return null;
  }
};

/** One line for the benchmark tables. */
export const describeBandwidth = (b: Bandwidth): string => {
  const mib = b.workingSetBytes / 2 ** 20, l3 = l3Bytes();
  const ratio = l3 ? ` = ${(b.workingSetBytes / l3).toFixed(2)}x the ${l3 / 2 ** 20} MiB L3` : "";
  return `single-core memory bandwidth (STREAM on core.wasm, ${mib.toFixed(0)} MiB working set${ratio}, median (best) of ${b.reps}): copy ${b.copyGBs.toFixed(2)} (${b.copyBestGBs.toFixed(2)}) GB/s, triad ${b.triadGBs.toFixed(2)} (${b.triadBestGBs.toFixed(2)}) GB/s`;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(describeBandwidth(measureBandwidth()));
