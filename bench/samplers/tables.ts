// bench:samplers' tables: the rounds grid, the N = 50 headline, delta and acceptance per band, and the best draft.
import { fmt, fmtOpt } from "../harness.ts";
import { bands, type Band, type Cell } from "./cells.ts";

export const POOR_ACCEPTANCE = 0.2;
export const POOR_ROUNDS = 1.25;

export const BANDS = 5;
const REF = "DDPM (reference)";

const label = (c: Cell) => (c.method === "sequential" ? "sequential" : `${c.method} ${c.freeze} L=${c.window}`);
const rounds = (c: Cell) => `${fmt(c.rounds.mean, 1)} ± ${fmt(c.rounds.half, 1)}`;

export const GRID_HEADER = "| model | sampler | N | method | rounds/sample (95% CI) | speed-up | acceptance | mean delta | rows/sample |\n|---|---|---|---|---|---|---|---|---|";
export const gridLine = (c: Cell) =>
  `| ${c.model} | ${c.sampler} | ${c.n} | ${label(c)} | ${rounds(c)} | ${fmt(c.n / c.rounds.mean)}x | ${fmtOpt(c.acceptance)} | ${fmtOpt(c.delta)} | ${fmt(c.rowsPerSample, 0)} |`;

type Find = (model: string, sampler: string, n: number, method: string, freeze: string | null, window: number | null) => Cell | undefined;
export const finder = (cells: Cell[]): Find => (model, sampler, n, method, freeze, window) =>
  cells.find((c) => c.model === model && c.sampler === sampler && c.n === n && c.method === method && c.freeze === freeze && c.window === window);

/** Per model and sampler at N: sequential against the default draft (block and token, x0, L = 16) and block eps. */
export const headline = (cells: Cell[], pairs: [string, string][], n: number): string => {
  const find = finder(cells);
  const show = (c: Cell | undefined) => (c ? `${rounds(c)} (${fmtOpt(c.acceptance, 2)})` : "refused (flow)");
  const lines = [`| model | sampler | sequential | block x0 L=16 (acceptance) | block speed-up | token x0 L=16 (acceptance) | block eps L=16 (acceptance) |`, "|---|---|---|---|---|---|---|"];
  for (const [m, s] of pairs) {
    const seq = find(m, s, n, "sequential", null, null), b = find(m, s, n, "block", "x0", 16);
    if (!seq || !b) continue;
    lines.push(`| ${m} | ${s} | ${fmt(seq.rounds.mean, 1)} | ${show(b)} | ${fmt(seq.rounds.mean / b.rounds.mean)}x | ${show(find(m, s, n, "token", "x0", 16))} | ${show(find(m, s, n, "block", "eps", 16))} |`);
  }
  return lines.join("\n");
};

/** Two significant figures: sensitivities span 0.001 to 100. */
const sig = (x: number | null) => (x === null ? "-" : x.toPrecision(2));
const pairCell = (x: number | null, y: number | null, dx: number, dy: number) => (x === null && y === null ? "-" : `${fmtOpt(x, dx)} / ${fmtOpt(y, dy)}`);

/** Per band of the block default draft (x0, L = 16) at N: delta / acceptance, or sensitivity / x0_hat drift. */
export const bandTable = (cells: Cell[], pairs: [string, string][], n: number, what: "acceptance" | "drift"): string => {
  const find = finder(cells);
  const head = Array.from({ length: BANDS }, (_, b) => `steps ${Math.floor((b * n) / BANDS)}-${Math.floor(((b + 1) * n) / BANDS) - 1}`);
  const lines = [`| model | sampler | ${head.join(" | ")} |${what === "acceptance" ? " overall |" : ""}`, `|---|---|${"---|".repeat(BANDS + (what === "acceptance" ? 1 : 0))}`];
  for (const [m, s] of pairs) {
    const c = find(m, s, n, "block", "x0", 16);
    if (!c) continue;
    const bs = bands(c, BANDS).map((b) => (b.verified === 0 ? "-" : what === "acceptance" ? pairCell(b.delta, b.acceptance, 2, 2) : `${sig(b.sensitivity)} / ${fmtOpt(b.drift, 2)}`));
    lines.push(`| ${m} | ${s} | ${bs.join(" | ")} |${what === "acceptance" ? ` ${pairCell(c.delta, c.acceptance, 2, 2)} |` : ""}`);
  }
  return lines.join("\n");
};


/** The fewest-rounds (freeze, L) for block at N per model and sampler, and where acceptance is poor, why, in delta per band. */
export const bestDraft = (cells: Cell[], pairs: [string, string][], n: number, windows: number[]): { table: string; lines: string[] } => {
  const find = finder(cells);
  const options = (["x0", "eps"] as const).flatMap((f) => windows.map((w) => [f, w] as const));
  const best = (m: string, s: string) => options.map(([f, w]) => find(m, s, n, "block", f, w)).filter((c) => c !== undefined).sort((a, b) => a.rounds.mean - b.rounds.mean)[0];
  const head = options.map(([f, w]) => `${f} L=${w}`);
  const table = [`| model | sampler | ${head.join(" | ")} | best | speed-up | acceptance | why poor (delta / acceptance per band, vs DDPM's best) |`, `|---|---|${"---|".repeat(head.length + 4)}`];
  const lines: string[] = [];
  for (const m of [...new Set(pairs.map(([mm]) => mm))]) {
    const ref = best(m, REF);
    const picks: string[] = [];
    for (const [mm, s] of pairs.filter(([mm]) => mm === m)) {
      const b = best(mm, s);
      if (!b) continue;
      const grid = options.map(([f, w]) => find(m, s, n, "block", f, w)).map((c) => (c ? fmt(c.rounds.mean, 1) : "refused"));
      const poor = (b.acceptance ?? 0) < POOR_ACCEPTANCE || (ref !== undefined && b.rounds.mean > POOR_ROUNDS * ref.rounds.mean);
      const why = poor && ref ? whyPoor(b, ref) : "";
      // Options whose mean is within the two intervals' combined half-width of the best: not told apart at these chains.
      const ties = options.map(([f, w]) => find(m, s, n, "block", f, w))
        .filter((c): c is Cell => c !== undefined && c !== b && c.rounds.mean - b.rounds.mean < Math.hypot(c.rounds.half, b.rounds.half))
        .map((c) => `${c.freeze} L=${c.window}`);
      const pick = `${b.freeze} L=${b.window}${ties.length ? ` (tied: ${ties.join(", ")})` : ""}`;
      table.push(`| ${m} | ${s} | ${grid.join(" | ")} | ${pick} | ${fmt(n / b.rounds.mean)}x | ${fmtOpt(b.acceptance, 3)} | ${why} |`);
      picks.push(`${s}: ${pick}, ${fmt(b.rounds.mean, 1)} rounds${poor ? ", poor" : ""}`);
    }
    lines.push(`- **${m}** (N = ${n}, block): ${picks.join("; ")}`);
  }
  return { table: table.join("\n"), lines };
};

/** The band where this sampler's acceptance falls furthest below the reference's, with both profiles. */
const whyPoor = (c: Cell, ref: Cell): string => {
  const mine = bands(c, BANDS), theirs = bands(ref, BANDS);
  // The reference itself: its own lowest-acceptance band.
  const gap = (k: number) => (c === ref ? 1 : (theirs[k].acceptance ?? 0)) - (mine[k].acceptance ?? 0);
  const worst = mine.reduce((w, _, k) => (gap(k) > gap(w) ? k : w), 0);
  const w = mine[worst];
  const r = theirs[worst];
  const profile = (bs: Band[]) => bs.map((b) => (b.verified ? fmt(b.delta ?? 0, 2) : "-")).join("/");
  return `delta ${profile(mine)} (DDPM ${profile(theirs)}); worst steps ${w.from}-${w.to} (t ${fmt(w.tFrom, 0)}..${fmt(w.tTo, 0)}): ` +
    `acceptance ${fmtOpt(w.acceptance, 2)} vs ${fmtOpt(r.acceptance, 2)}, sensitivity ${sig(w.sensitivity)} vs ${sig(r.sensitivity)}, x0_hat drift ${fmtOpt(w.drift, 2)} vs ${fmtOpt(r.drift, 2)}`;
};
