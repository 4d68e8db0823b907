// Per-step delta (normalised gap between draft and target means, ALGORITHMS.md section 2) and acceptance
// on the learned model against analytic mixtures of the same dimension, by timestep, for each freeze.
import type { Freeze } from "../../src/sampler/options.ts";
import { fmt, fmtOpt } from "../harness.ts";
import { measure, type Cell } from "./measure.ts";
import type { Target } from "./targets.ts";

const N = 200;
const WINDOW = 8;
const BIN = 100; // timesteps per row of the profile

// Means over the verified drafts whose step lies in [lo, hi) of the training timesteps.
const binMeans = (c: Cell, lo: number, hi: number) => {
  const s = c.perStep.filter((p) => p.t >= lo && p.t < hi && p.verified > 0);
  const n = s.reduce((a, p) => a + p.verified, 0);
  const mean = (f: (p: (typeof s)[number]) => number) => (n ? s.reduce((a, p) => a + f(p) * p.verified, 0) / n : null);
  return { delta: mean((p) => p.delta ?? 0), acceptance: mean((p) => p.acceptance ?? 0) };
};

/** Token-wise L = 8 at N = 200 per target and freeze: a summary table and one profile table per freeze. */
export const deltaTables = async (targets: Target[], chains: number): Promise<{ summary: string; profiles: string }> => {
  const cells = new Map<string, { token: Cell; block: Cell }>();
  for (const t of targets)
    for (const freeze of ["eps", "x0"] as Freeze[]) {
      const spec = { steps: N, draft: { window: WINDOW, freeze }, chains, seed: 4242 };
      cells.set(`${t.id}|${freeze}`, { token: await measure(t, { ...spec, method: "token" }), block: await measure(t, { ...spec, method: "block" }) });
    }
  const summary = [
    "| model | freeze | mean delta | coupling acceptance 2 Phi_bar(delta/2) | measured acceptance (token) | token speed-up (L = 8) | block speed-up (L = 8) |",
    "|---|---|---|---|---|---|---|",
    ...[...cells].map(([key, { token, block }]) => {
      const [model, freeze] = key.split("|");
      return `| ${model} | ${freeze} | ${fmtOpt(token.delta)} | ${fmtOpt(token.coupling)} | ${fmtOpt(token.acceptance)} | ${fmt(token.speedup)}x | ${fmt(block.speedup)}x |`;
    }),
  ].join("\n");
  const profiles = (["x0", "eps"] as Freeze[]).map((freeze) => {
    const head = `**${freeze} freeze** (token-wise, L = ${WINDOW}, N = ${N}; delta / acceptance per timestep range)\n\n| t | ${targets.map((t) => `${t.id} delta | ${t.id} acc.`).join(" | ")} |\n|---|${targets.map(() => "---|---|").join("")}`;
    const rows = [];
    for (let lo = 1000 - BIN; lo >= 0; lo -= BIN) {
      const parts = targets.map((t) => {
        const m = binMeans(cells.get(`${t.id}|${freeze}`)!.token, lo, lo + BIN);
        return `${fmtOpt(m.delta)} | ${fmtOpt(m.acceptance)}`;
      });
      rows.push(`| ${lo}-${lo + BIN - 1} | ${parts.join(" | ")} |`);
    }
    return `${head}\n${rows.join("\n")}`;
  });
  return { summary, profiles: profiles.join("\n\n") };
};
