// Conditioning and classifier-free guidance around any denoiser that reads RowCondition. With guidance
// in rows, each chain's row goes to the model twice in the same call, conditional then unconditional,
// and the two outputs are combined as u + w (c - u) in the model's prediction space, so the sampler sees
// one guided output per row: exactness is with respect to the guided sequential sampler.
import type { Denoiser, DenoiserBatch, RowCondition } from "./port.ts";

export interface Guidance {
  /** Chain c's condition (class id or prompt embedding). */
  cond(chain: number): RowCondition;
  /** Chain c's unconditional value: the null class, or the negative (default empty) prompt's embedding. */
  uncond(chain: number): RowCondition;
  /** w: 1 evaluates the conditional rows only, 0 the unconditional rows only. */
  scale: number;
  /** rows: two rows per chain combined here; provider: one row per chain, the model guides itself. */
  mode: "rows" | "provider";
}

/** Model rows per sampler row: 2 when guidance doubles them. */
export const rowsPerEvaluation = (g: Pick<Guidance, "scale" | "mode">): 1 | 2 =>
  g.mode === "rows" && g.scale !== 1 && g.scale !== 0 ? 2 : 1;

const doubled = (x: Float64Array): Float64Array => {
  const out = new Float64Array(2 * x.length);
  for (let i = 0; i < x.length; i++) out[2 * i] = out[2 * i + 1] = x[i];
  return out;
};

/** The batch as the model sees it: the same rows, each with its chain's condition. */
const singleRows = (batch: DenoiserBatch, condition: (r: number) => RowCondition, guidanceScale?: (r: number) => number): DenoiserBatch => ({
  rows: batch.rows,
  chain: batch.chain,
  timesteps: batch.timesteps,
  inputScale: batch.inputScale,
  family: batch.family,
  a: batch.a,
  s: batch.s,
  alphaBar: batch.alphaBar,
  output: batch.output,
  state: (r) => batch.state(r),
  put: (r, out) => batch.put(r, out),
  condition,
  guidanceScale,
});

/** Rows 2r (conditional) and 2r + 1 (unconditional) for each row r; the guided output goes back as row r. */
const guidedRows = (batch: DenoiserBatch, g: Guidance, dim: number): DenoiserBatch => {
  const chain = new Int32Array(2 * batch.rows);
  for (let r = 0; r < batch.rows; r++) chain[2 * r] = chain[2 * r + 1] = batch.chain[r];
  const conditional = new Float32Array(dim);
  const guided = new Float32Array(dim);
  const w = g.scale;
  return {
    rows: 2 * batch.rows,
    chain,
    timesteps: doubled(batch.timesteps),
    inputScale: doubled(batch.inputScale),
    family: batch.family,
    a: doubled(batch.a),
    s: doubled(batch.s),
    alphaBar: doubled(batch.alphaBar),
    output: batch.output,
    state: (i) => batch.state(i >> 1),
    condition: (i) => ((i & 1) === 0 ? g.cond(chain[i]) : g.uncond(chain[i])),
    put: function combineGuided(i, out) {
      // Rows arrive in order: the conditional output is held until its unconditional partner arrives.
      if ((i & 1) === 0) return void conditional.set(out);
      for (let k = 0; k < dim; k++) guided[k] = out[k] + w * (conditional[k] - out[k]);
      batch.put(i >> 1, guided);
    },
  };
};

/** A denoiser conditioned per chain, with classifier-free guidance at scale g.scale. */
export const conditionedDenoiser = (inner: Denoiser, g: Guidance): Denoiser => ({
  dim: inner.dim,
  evaluate: function evaluateConditioned(batch, signal) {
    if (g.mode === "provider") {
      return inner.evaluate(singleRows(batch, (r) => g.cond(batch.chain[r]), () => g.scale), signal);
    }
    if (rowsPerEvaluation(g) === 1) {
      const only = g.scale === 0 ? g.uncond : g.cond;
      return inner.evaluate(singleRows(batch, (r) => only(batch.chain[r])), signal);
    }
    return inner.evaluate(guidedRows(batch, g, inner.dim), signal);
  },
});
