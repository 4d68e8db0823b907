// Distances to the nearest training image: generated digits that copied the data would sit far closer
// to it than the training images sit to each other (leave-one-out), so both histograms go side by side.
import { fmt } from "../harness.ts";

const DIM = 64;

/** For each row of `queries`, the Euclidean distance to its nearest row of `data` (skipping itself when `self`). */
export const nearestDistances = (queries: Float32Array, data: Float32Array, self = false): Float64Array => {
  const n = queries.length / DIM, m = data.length / DIM;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (let j = 0; j < m; j++) {
      if (self && i === j) continue;
      let s = 0;
      for (let k = 0; k < DIM && s < best; k++) {
        const d = queries[i * DIM + k] - data[j * DIM + k];
        s += d * d;
      }
      if (s < best) best = s;
    }
    out[i] = Math.sqrt(best);
  }
  return out;
};

const quantile = (xs: Float64Array, q: number): number => {
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

const EDGES = [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 5];

/** Percentage per distance bin for each named set of distances, then min, 5th percentile and median. */
export const histogramTable = (sets: [string, Float64Array][]): string => {
  const lines = [`| distance | ${sets.map(([name, d]) => `${name} (${d.length})`).join(" | ")} |`, `|---|${sets.map(() => "---|").join("")}`];
  for (let b = 0; b < EDGES.length; b++) {
    const lo = EDGES[b], hi = EDGES[b + 1] ?? Infinity;
    const cells = sets.map(([, d]) => `${fmt((100 * d.filter((x) => x >= lo && x < hi).length) / d.length, 1)}%`);
    lines.push(`| ${hi === Infinity ? `>= ${lo}` : `${lo}-${hi}`} | ${cells.join(" | ")} |`);
  }
  for (const [label, q] of [["min", 0], ["5th percentile", 0.05], ["median", 0.5]] as const)
    lines.push(`| ${label} | ${sets.map(([, d]) => fmt(quantile(d, q), 3)).join(" | ")} |`);
  return lines.join("\n");
};
