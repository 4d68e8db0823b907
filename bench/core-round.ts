// One speculative round's core work for one chain (ALGORITHMS.md sections 2 and 4), twice: on core.wasm
// through the src/core facades, and on the plain-TypeScript reference. Same inputs, same streams.
import type { Core, Ptr } from "../src/core/instance.ts";
import { fillNormal, fillUniform } from "../src/core/random.ts";
import { affine2 } from "../src/core/vector.ts";
import { BLOCK_STRIDE, blockTau, readStepStats, STAT_STRIDE, stepStats } from "../src/core/verify.ts";
import { residualDraw } from "../src/core/residual.ts";
import { Purpose, streamOf } from "../src/sampler/randomness.ts";
import { putF32 } from "../tools/fixtures/lanes.ts";
import * as ref from "./core-reference.ts";

/** The phases of a round; `residual` runs at step min(tau, L - 1) so every round pays for one draw. */
export interface Round {
  draft(): void;
  verify(): number;
  residual(tau: number): void;
  /** (delta, s, log r) of each step, tau, the residual's 1-D coordinate s and output, for the agreement check. */
  result(): { stats: number[]; tau: number; s: number; y: Float32Array };
}

/** Untimed inputs: committed state, frozen x0, per-step coefficients, and target means set `delta` apart from the draft means. */
export interface RoundInputs {
  d: number;
  L: number;
  x: Float32Array;
  frozenX0: Float32Array;
  a: number[];
  b: number[];
  sigma: number[];
  /** Filled by the first wasm draft: muT_i = muD_i + sigma_i delta g_i / |g_i|. */
  muT: Float32Array[];
}

const KEY = { k0: 0x2545f491, k1: 0x4f6cdd1d };
// The sampler's own counter layout, at round 7 of chain 0.
const stream = (purpose: number, index: number) => streamOf(KEY, purpose, index, 7, 0);
const { draft: DRAFT, accept: ACCEPT, residualU: RES_U, residualZeta: RES_ZETA } = Purpose;

export const makeInputs = (d: number, L: number): RoundInputs => {
  const x = new Float32Array(d), frozenX0 = new Float32Array(d);
  ref.fillNormalRef(x, 0, d, 1, 2, 3, 4, 5);
  ref.fillNormalRef(frozenX0, 0, d, 1, 2, 3, 4, 6);
  // DDPM-like magnitudes near the end of a 1000-step linear schedule; only their scale matters here.
  const a: number[] = [], b: number[] = [], sigma: number[] = [];
  for (let i = 0; i < L; i++) { a.push(0.02 + 0.001 * i); b.push(0.98 - 0.001 * i); sigma.push(0.1 - 0.002 * i); }
  return { d, L, x, frozenX0, a, b, sigma, muT: [] };
};

export const wasmRound = (core: Core, inp: RoundInputs, delta: number): Round => {
  const { d, L } = inp;
  const x0 = putF32(core, inp.frozenX0), ys = [putF32(core, inp.x)], muD: Ptr[] = [], xi: Ptr[] = [], muT: Ptr[] = [];
  for (let i = 0; i < L; i++) { ys.push(core.allocF32(d)); muD.push(core.allocF32(d)); xi.push(core.allocF32(d)); muT.push(core.allocF32(d)); }
  const zeta = core.allocF32(d), out = core.allocF32(d);
  const stats = core.allocF64(STAT_STRIDE * (L + 1)), uniforms = core.allocF64(L + 1), blockInfo = core.allocF64(BLOCK_STRIDE * (L + 1));
  let residualS = NaN;
  const round: Round = {
    draft() {
      for (let i = 0; i < L; i++) {
        fillNormal(core, xi[i], stream(DRAFT, i + 1), 0, d);
        affine2(core, muD[i], inp.a[i], x0, inp.b[i], ys[i], d);
        affine2(core, ys[i + 1], 1, muD[i], inp.sigma[i], xi[i], d);
      }
    },
    verify() {
      for (let i = 0; i < L; i++) stepStats(core, stats, i, muT[i], muD[i], xi[i], inp.sigma[i], d);
      fillUniform(core, uniforms, stream(ACCEPT, 0), 0, L);
      return blockTau(core, stats, uniforms, blockInfo, L);
    },
    residual(tau) {
      const j = Math.min(tau, L - 1);
      fillUniform(core, uniforms, stream(RES_U, j + 1), 0, 1);
      fillNormal(core, zeta, stream(RES_ZETA, j + 1), 0, d);
      const v = residualDraw(core, out, muT[j], muD[j], zeta, inp.sigma[j], stats, j, blockInfo, core.f64(uniforms, 1)[0], d);
      residualS = v + readStepStats(core, stats, j).delta; // v = s - delta
    },
    result: () => ({ stats: [...core.f64(stats, STAT_STRIDE * L)], tau: round.verify(), s: residualS, y: core.f32(out, d).slice() }),
  };
  round.draft();
  if (inp.muT.length === 0) {
    // Target means at a chosen distance: g_i is a fixed Gaussian direction, scaled to |muT - muD| = sigma delta.
    for (let i = 0; i < L; i++) {
      const g = new Float32Array(d);
      ref.fillNormalRef(g, 0, d, 9, 9, i, 0, 0);
      const norm = Math.sqrt(g.reduce((s, v) => s + v * v, 0));
      const m = core.f32(muD[i], d);
      inp.muT.push(m.map((v, k) => v + (inp.sigma[i] * delta * g[k]) / norm));
    }
  }
  for (let i = 0; i < L; i++) core.f32(muT[i], d).set(inp.muT[i]);
  return round;
};

export const referenceRound = (inp: RoundInputs): Round => {
  const { d, L } = inp;
  const rows = () => Array.from({ length: L }, () => new Float32Array(d));
  const ys = [inp.x.slice(), ...rows()], muD = rows(), xi = rows(), zeta = new Float32Array(d), out = new Float32Array(d);
  const st = { delta: [] as number[], s: [] as number[], logR: [] as number[], logW: [] as number[], residualS: NaN };
  const u = (purpose: number, index: number, j: number) => { const s = stream(purpose, index); return ref.uniformRef(j, s.k0, s.k1, s.c1, s.c2, s.c3); };
  const round: Round = {
    draft() {
      for (let i = 0; i < L; i++) {
        const s = stream(DRAFT, i + 1);
        ref.fillNormalRef(xi[i], 0, d, s.k0, s.k1, s.c1, s.c2, s.c3);
        ref.affine2Ref(muD[i], inp.a[i], inp.frozenX0, inp.b[i], ys[i]);
        ref.affine2Ref(ys[i + 1], 1, muD[i], inp.sigma[i], xi[i]);
      }
    },
    verify() {
      for (let i = 0; i < L; i++) {
        const r = ref.stepStatsRef(inp.muT[i], muD[i], xi[i], inp.sigma[i]);
        st.delta[i] = r.delta; st.s[i] = r.s; st.logR[i] = r.logR;
      }
      const eta = Array.from({ length: L }, (_, j) => u(ACCEPT, 0, j));
      const { tau, logW } = ref.blockTauRef(st.delta, st.logR, eta);
      st.logW = logW;
      return tau;
    },
    residual(tau) {
      const j = Math.min(tau, L - 1), zs = stream(RES_ZETA, j + 1);
      const s = (st.residualS = ref.residualSRef(Math.exp(st.logW[j]), st.delta[j], u(RES_U, j + 1, 0)));
      ref.fillNormalRef(zeta, 0, d, zs.k0, zs.k1, zs.c1, zs.c2, zs.c3);
      ref.reconstructRef(out, muD[j], inp.muT[j], zeta, inp.sigma[j], st.delta[j], s);
    },
    result: () => ({ stats: st.delta.flatMap((dl, i) => [dl, st.s[i], st.logR[i]]), tau: round.verify(), s: st.residualS, y: out.slice() }),
  };
  return round;
};
