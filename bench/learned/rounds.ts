// Rounds per sample on the learned model against analytic mixtures of the same dimension: the grid of
// method x freeze x L x N, the best cell per method, and what each draft choice beyond the papers buys.
import type { DraftOptions, Method } from "../../src/sampler/options.ts";
import { fmt } from "../harness.ts";
import { CELL_HEADER, cellLine, measure, type Cell } from "./measure.ts";
import type { Target } from "./targets.ts";

export const NS = [50, 200];
export const LS = [2, 4, 8, 16];
const SEED = 12345;

export interface Grid {
  cells: Cell[];
  /** Best L per (model, N, method), by mean rounds per sample, x0 freeze. */
  best(model: string, n: number, method: Method): Cell;
}

/** sequential, then token and block with eps and x0 freeze at every L, for every N. */
export const roundsGrid = async (targets: Target[], chains: number, log: (line: string) => void): Promise<Grid> => {
  const cells: Cell[] = [];
  for (const t of targets)
    for (const n of NS) {
      cells.push(await measure(t, { steps: n, method: "sequential", chains, seed: SEED }));
      log(cellLine(cells.at(-1)!));
      for (const method of ["token", "block"] as const)
        for (const freeze of ["eps", "x0"] as const)
          for (const window of LS) {
            cells.push(await measure(t, { steps: n, method, draft: { window, freeze }, chains, seed: SEED }));
            log(cellLine(cells.at(-1)!));
          }
    }
  const best = (model: string, n: number, method: Method) =>
    cells
      .filter((c) => c.model === model && c.spec.steps === n && c.spec.method === method && (method === "sequential" || c.spec.draft?.freeze === "x0"))
      .sort((a, b) => a.rounds.mean - b.rounds.mean)[0];
  return { cells, best };
};

export const gridTable = (g: Grid, model: string): string => `${CELL_HEADER}\n${g.cells.filter((c) => c.model === model).map(cellLine).join("\n")}`;

/** Per model and N: the best L of each method and freeze, and block's rounds saved over token. */
export const bestTable = (g: Grid, models: string[]): string => {
  const lines = ["| model | N | token eps best (L) | token x0 best (L) | block eps best (L) | block x0 best (L) | block x0 vs token x0 | block x0 speed-up |", "|---|---|---|---|---|---|---|---|"];
  for (const m of models)
    for (const n of NS) {
      const pick = (method: string, freeze: string) =>
        g.cells.filter((c) => c.model === m && c.spec.steps === n && c.spec.method === method && c.spec.draft?.freeze === freeze).sort((a, b) => a.rounds.mean - b.rounds.mean)[0];
      const show = (c: Cell) => `${fmt(c.rounds.mean, 1)} ± ${fmt(c.rounds.half, 1)} (${c.spec.draft?.window})`;
      const te = pick("token", "eps"), tx = pick("token", "x0"), be = pick("block", "eps"), bx = pick("block", "x0");
      lines.push(`| ${m} | ${n} | ${show(te)} | ${show(tx)} | ${show(be)} | ${show(bx)} | ${fmt(100 * (1 - bx.rounds.mean / tx.rounds.mean), 1)}% | ${fmt(bx.speedup)}x |`);
    }
  return lines.join("\n");
};

const VARIANTS: [string, Method, Partial<DraftOptions>][] = [
  ["token", "token", { freeze: "x0", window: 16 }],
  ["token", "token", { freeze: "x0", window: 16, adaptive: true }],
  ["block", "block", { freeze: "eps", window: 16 }],
  ["block", "block", { freeze: "x0", window: 8 }],
  ["block", "block", { freeze: "x0", window: 16 }],
  ["block", "block", { freeze: "x0", window: 32 }],
  ["block", "block", { freeze: "x0", window: 16, bonus: false }],
  ["block", "block", { freeze: "x0", window: 8, adaptive: true }],
  ["block", "block", { freeze: "x0", window: 16, adaptive: true }],
  ["block", "block", { freeze: "x0", window: 32, adaptive: true }],
  ["block", "block", { type: "frozen-target", freeze: "x0", window: 16 }],
];

/** Draft choices (adaptive window, bonus, frozen target, L = 32) at each N. */
export const variantsTable = async (targets: Target[], chains: number, log: (line: string) => void): Promise<string> => {
  const lines = [CELL_HEADER];
  for (const t of targets)
    for (const n of NS)
      for (const [label, method, draft] of VARIANTS) {
        lines.push(cellLine(await measure(t, { steps: n, method, draft, chains, seed: 777 }, label)));
        log(lines.at(-1)!);
      }
  return lines.join("\n");
};
