// Sigma / timestep plans of diffusers' Euler (ancestral) and flow-matching Euler schedulers.
//
// Where the expected numbers come from:
//  - "toy" cases: alphas_cumprod a_t = 1 / (1 + (t + 1)^2), T = 10, so sigma_t = sqrt((1 - a)/a) = t + 1 and
//    every interpolated sigma is worked out by hand in the comments.
//  - "SD" and flow cases marked [numpy]: printed by a float64 numpy re-implementation of diffusers'
//    set_timesteps (scheduling_euler_discrete.py, scheduling_flow_match_euler_discrete.py), e.g.
//      ac = np.cumprod(1 - np.linspace(1e-4, 0.02, 1000)); s = ((1 - ac) / ac) ** 0.5
//      ts = np.linspace(0, 999, 5)[::-1]; sig = np.interp(ts, np.arange(1000), s)            # linspace
//      ts = (np.arange(0, 5) * (1000 // 5)).round()[::-1] + 1                                # leading, offset 1
//      ts = np.arange(1000, 0, -1000 / 5).round() - 1                                        # trailing
//      karras: r = np.linspace(0, 1, 5); sig = (sig[0]**(1/7) + r * (sig[-1]**(1/7) - sig[0]**(1/7))) ** 7,
//              ts = diffusers' _sigma_to_t(sig, np.log(s)) (cumsum/argmax form, copied as is into the script)
//      flow:   init = np.linspace(1, 1000, 1000)[::-1] / 1000, shifted unless dynamic;
//              sig = np.linspace(init[0] * 1000, init[-1] * 1000, 5) / 1000, then shift / time_shift(mu, 1, sig),
//              shift_terminal stretch, karras / np.exp(np.linspace(log hi, log lo)) /
//              lo + scipy.stats.beta.ppf(1 - np.linspace(0, 1, 5), 0.6, 0.6) * (hi - lo)
//    (diffusers then casts to float32; these references and the code stay in float64).
//  - beta ppf: closed forms (Beta(1,1), Beta(1/2,1/2) = arcsine law, Beta(2,1), Beta(1,3)) and
//    scipy.stats.beta.ppf values [scipy 1.17].
import { test } from "node:test";
import assert from "node:assert/strict";
import { betaPpf, eulerSigmas, flowMatchMu, flowMatchSigmas, sigmaToT, type FlowMatchSigmaConfig } from "../../src/sampler/scheduler/sigmas.ts";
import { incBeta } from "../../src/sampler/scheduler/sigmas-beta.ts";

const close = (got: number, want: number, rel = 1e-12, abs = 1e-300) =>
  assert.ok(Math.abs(got - want) <= rel * Math.abs(want) + abs, `got ${got}, want ${want}`);
const allClose = (got: readonly number[], want: readonly number[], rel = 1e-12, abs = 1e-300) => {
  assert.equal(got.length, want.length, `length ${got.length}, want ${want.length}`);
  got.forEach((g, i) => close(g, want[i], rel, abs));
};

const toyAlphas = Float64Array.from({ length: 10 }, (_, t) => 1 / (1 + (t + 1) ** 2));
// SD 1.x-style linear betas linspace(1e-4, 0.02, 1000) (numpy's linspace), cumulative product of 1 - beta.
const sdAlphas = (() => {
  const T = 1000;
  const step = (0.02 - 1e-4) / (T - 1);
  const out = new Float64Array(T);
  let p = 1;
  for (let i = 0; i < T; i++) {
    p *= 1 - (i === T - 1 ? 0.02 : i * step + 1e-4);
    out[i] = p;
  }
  return out;
})();
const euler = (T: number, timestepSpacing: "leading" | "trailing" | "linspace", stepsOffset = 0, useKarrasSigmas = false) => ({
  numTrainTimesteps: T,
  timestepSpacing,
  stepsOffset,
  useKarrasSigmas,
});

// ---------------------------------------------------------------- Euler: toy schedule, by hand

test("euler linspace, toy: timesteps linspace(0, 9, 5) reversed, sigma = t + 1, init = max sigma", () => {
  const p = eulerSigmas(euler(10, "linspace"), toyAlphas, 5);
  allClose(p.timesteps, [9, 6.75, 4.5, 2.25, 0]);
  allClose(p.sigmas, [10, 7.75, 5.5, 3.25, 1, 0]);
  close(p.initNoiseSigma, 10);
});

test("euler leading, toy: (arange(5) * 2)[::-1] + offset, init = sqrt(max^2 + 1)", () => {
  const p1 = eulerSigmas(euler(10, "leading", 1), toyAlphas, 5);
  assert.deepEqual(p1.timesteps, [9, 7, 5, 3, 1]);
  allClose(p1.sigmas, [10, 8, 6, 4, 2, 0]);
  close(p1.initNoiseSigma, Math.sqrt(101));
  const p0 = eulerSigmas(euler(10, "leading", 0), toyAlphas, 5);
  assert.deepEqual(p0.timesteps, [8, 6, 4, 2, 0]);
  allClose(p0.sigmas, [9, 7, 5, 3, 1, 0]);
  close(p0.initNoiseSigma, Math.sqrt(82));
});

test("euler leading past the grid: timestep T is clamped by np.interp to sigma[T - 1]", () => {
  // T // 10 = 1: timesteps 9..0 + 1 = 10..1; np.interp(10, arange(10), s) = s[9] = 10.
  const p = eulerSigmas(euler(10, "leading", 1), toyAlphas, 10);
  assert.deepEqual(p.timesteps, [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  allClose(p.sigmas, [10, 10, 9, 8, 7, 6, 5, 4, 3, 2, 0]);
});

test("euler trailing, toy: round(arange(10, 0, -10/N)) - 1, init = max sigma", () => {
  const p = eulerSigmas(euler(10, "trailing"), toyAlphas, 5);
  assert.deepEqual(p.timesteps, [9, 7, 5, 3, 1]);
  allClose(p.sigmas, [10, 8, 6, 4, 2, 0]);
  close(p.initNoiseSigma, 10);
  // arange(10, 0, -3.333...) = [10, 6.667, 3.333] -> round [10, 7, 3] -> - 1.
  const p3 = eulerSigmas(euler(10, "trailing"), toyAlphas, 3);
  assert.deepEqual(p3.timesteps, [9, 6, 2]);
  allClose(p3.sigmas, [10, 7, 3, 0]);
});

test("euler karras, toy: rho = 7 between 10 and 1, timesteps by log-sigma interpolation", () => {
  const p = eulerSigmas(euler(10, "linspace", 0, true), toyAlphas, 3);
  // middle: ((10^(1/7) + 1) / 2)^7 = 3.4748298373977318; it lies between sigma_2 = 3 and sigma_3 = 4, so
  // t = 2 + ln(3.4748.../3) / ln(4/3) = 2.5107486199682807; the ends map to t = 9 and t = 0.
  allClose(p.sigmas, [10, 3.4748298373977318, 1, 0]);
  allClose(p.timesteps, [9, 2.5107486199682807, 0], 1e-12, 1e-14);
  close(p.initNoiseSigma, 10);
});

test("sigmaToT: clamps below the first and above the last training sigma", () => {
  const logs = Array.from(toyAlphas, (a) => Math.log(Math.sqrt((1 - a) / a)));
  assert.equal(sigmaToT(0.5, logs), 0); // no log-sigma below: low = 0, w clipped to 0
  assert.equal(sigmaToT(0, logs), 0); // log(max(0, 1e-10))
  assert.equal(sigmaToT(50, logs), 9); // low clipped to 8, w clipped to 1
  close(sigmaToT(5, logs), 4, 1e-12);
});

// ---------------------------------------------------------------- Euler: SD schedule vs numpy

test("euler SD linspace / leading / trailing, N = 5 [numpy]", () => {
  const lin = eulerSigmas(euler(1000, "linspace"), sdAlphas, 5);
  allClose(lin.timesteps, [999, 749.25, 499.5, 249.75, 0]);
  allClose(lin.sigmas, [157.40728081040757, 17.27988742892728, 3.433551865784932, 0.9567591610470716, 0.010000500037502575, 0], 1e-11);
  close(lin.initNoiseSigma, 157.40728081040757, 1e-11);
  const lead = eulerSigmas(euler(1000, "leading", 1), sdAlphas, 5);
  assert.deepEqual(lead.timesteps, [801, 601, 401, 201, 1]);
  allClose(lead.sigmas, [25.945422436256163, 6.212092437933329, 2.051379818470281, 0.727916698746775, 0.014830923708982587, 0], 1e-11);
  close(lead.initNoiseSigma, 25.964686506788112, 1e-11);
  const trail = eulerSigmas(euler(1000, "trailing"), sdAlphas, 5);
  assert.deepEqual(trail.timesteps, [999, 799, 599, 399, 199]);
  allClose(trail.sigmas, [157.40728081040757, 25.52848138920485, 6.135208879028882, 2.030851234838281, 0.7192788171500824, 0], 1e-11);
  close(trail.initNoiseSigma, 157.40728081040757, 1e-11);
});

test("euler SD karras, N = 5 [numpy]; endpoints equal the plain schedule's sigma max / min", () => {
  const lin = eulerSigmas(euler(1000, "linspace", 0, true), sdAlphas, 5);
  allClose(lin.sigmas, [157.40728081040749, 36.90895160563345, 5.911208764768033, 0.4913011708241883, 0.010000500037502566, 0], 1e-11);
  allClose(lin.timesteps, [999, 843.355429825579, 592.9947056124696, 141.81732581363732, 0], 1e-11, 1e-9);
  const lead = eulerSigmas(euler(1000, "leading", 1, true), sdAlphas, 5);
  allClose(lead.sigmas, [25.94542243625615, 7.406755112934269, 1.6067652286361203, 0.22683778893188597, 0.014830923708982589, 0], 1e-11);
  allClose(lead.timesteps, [801, 628.6863334898579, 351.98855703296596, 65.58528293750862, 1.0000000000000036], 1e-11);
  close(lead.initNoiseSigma, 25.964686506788098, 1e-11);
  for (const spacing of ["linspace", "leading", "trailing"] as const) {
    for (const n of [1, 2, 7, 50]) {
      const plain = eulerSigmas(euler(1000, spacing, 1), sdAlphas, n);
      const k = eulerSigmas(euler(1000, spacing, 1, true), sdAlphas, n);
      close(k.sigmas[0], plain.sigmas[0], 1e-13);
      if (n > 1) close(k.sigmas[n - 1], plain.sigmas[n - 1], 1e-13);
      close(k.initNoiseSigma, plain.initNoiseSigma, 1e-13);
    }
  }
});

test("euler: lengths, strictly descending, final zero, init noise sigma per spacing", () => {
  for (const spacing of ["linspace", "leading", "trailing"] as const) {
    for (const karras of [false, true]) {
      for (const n of [1, 2, 3, 10, 25, 61, 1000]) {
        const p = eulerSigmas(euler(1000, spacing, 1, karras), sdAlphas, n);
        assert.equal(p.sigmas.length, n + 1);
        assert.equal(p.timesteps.length, n);
        assert.equal(p.sigmas[n], 0);
        for (let i = 0; i < n; i++) {
          assert.ok(p.sigmas[i] > p.sigmas[i + 1] || (spacing === "leading" && n === 1000 && i === 0), `${spacing} ${karras} ${n} sigma ${i}`);
          if (i > 0) assert.ok(p.timesteps[i] <= p.timesteps[i - 1]);
        }
        const max = p.sigmas[0];
        close(p.initNoiseSigma, spacing === "leading" ? Math.sqrt(max * max + 1) : max, 1e-15);
      }
    }
  }
});

test("euler errors: bad N, alphas length, spacing", () => {
  assert.throws(() => eulerSigmas(euler(10, "linspace"), toyAlphas, 0), /integer >= 1/);
  assert.throws(() => eulerSigmas(euler(10, "linspace"), toyAlphas, 2.5), /integer >= 1/);
  assert.throws(() => eulerSigmas(euler(11, "linspace"), toyAlphas, 5), /alphas_cumprod has 10 entries/);
  assert.throws(() => eulerSigmas(euler(10, "cosine" as never), toyAlphas, 5), /timestep_spacing/);
  assert.throws(() => eulerSigmas(euler(10, "linspace"), new Float64Array(10), 5), /not finite/); // a = 0: sigma = inf
});

// ---------------------------------------------------------------- flow matching

const flowCfg = (over: Partial<FlowMatchSigmaConfig> = {}): FlowMatchSigmaConfig => ({
  numTrainTimesteps: 1000,
  shift: 1,
  useDynamicShifting: false,
  baseShift: 0.5,
  maxShift: 1.15,
  baseImageSeqLen: 256,
  maxImageSeqLen: 4096,
  shiftTerminal: null,
  timeShiftType: "exponential",
  useKarrasSigmas: false,
  useExponentialSigmas: false,
  useBetaSigmas: false,
  ...over,
});

test("flow shift 1: linspace(1000, 1, 5) / 1000, timesteps = sigma * T, init noise 1", () => {
  const p = flowMatchSigmas(flowCfg(), 5, {});
  allClose(p.sigmas, [1, 0.75025, 0.5005, 0.25075, 0.001, 0]);
  allClose(p.timesteps, [1000, 750.25, 500.5, 250.75, 1]);
  assert.equal(p.initNoiseSigma, 1);
});

test("flow static shift 3: diffusers shifts the training ends, then the inference sigmas again [numpy]", () => {
  const p = flowMatchSigmas(flowCfg({ shift: 3 }), 5, {});
  // Last by hand: s = 3 * 0.001 / 1.002 (training sigma_min), then 3 s / (1 + 2 s) = 0.009 / 1.008 = 1/112.
  allClose(p.sigmas, [1, 0.900359066427289, 0.7511210762331838, 0.5029850746268658, 1 / 112, 0]);
  allClose(p.timesteps, [1000, 900.359066427289, 751.1210762331838, 502.9850746268658, 1000 / 112]);
});

test("flow dynamic shifting: exponential and linear time shift with mu = 1.15 [numpy]", () => {
  const e = flowMatchSigmas(flowCfg({ useDynamicShifting: true, shift: 3 }), 5, { mu: 1.15 });
  // Last by hand: sigma_min stays 1/T unshifted; e^1.15 / (e^1.15 + 999) = 0.0031513915986858274.
  allClose(e.sigmas, [1, 0.9046458828316847, 0.7598760356125212, 0.5138423920462424, 0.0031513915986858274, 0]);
  const l = flowMatchSigmas(flowCfg({ useDynamicShifting: true, timeShiftType: "linear" }), 5, { mu: 1.15 });
  allClose(l.sigmas, [1, 0.7755131849488218, 0.5353812524707577, 0.2779096242576105, 1.15 / (1.15 + 999), 0]);
  allClose(l.timesteps, [1000, 775.5131849488218, 535.3812524707578, 277.9096242576105, 1.1498275258711192]);
});

test("flow dynamic shifting: mu from imageSeqLen equals mu = flowMatchMu(...); mu wins over imageSeqLen", () => {
  const cfg = flowCfg({ useDynamicShifting: true });
  const bySeq = flowMatchSigmas(cfg, 8, { imageSeqLen: 1024 });
  assert.deepEqual(bySeq, flowMatchSigmas(cfg, 8, { mu: flowMatchMu(cfg, 1024) }));
  allClose(bySeq.sigmas, flowMatchSigmas(cfg, 8, { mu: 0.63 }).sigmas, 1e-14);
  assert.deepEqual(flowMatchSigmas(cfg, 8, { mu: 1.15, imageSeqLen: 256 }), flowMatchSigmas(cfg, 8, { mu: 1.15 }));
});

test("flowMatchMu: SD3 / Flux calculate_shift, 256 -> 0.5, 4096 -> 1.15, linear in between", () => {
  const cfg = { baseShift: 0.5, maxShift: 1.15, baseImageSeqLen: 256, maxImageSeqLen: 4096 };
  close(flowMatchMu(cfg, 256), 0.5, 1e-15);
  close(flowMatchMu(cfg, 4096), 1.15, 1e-15);
  close(flowMatchMu(cfg, 1024), 0.5 + (768 * 0.65) / 3840, 1e-15); // 0.63
  close(flowMatchMu(cfg, 2176), 0.825, 1e-15); // midpoint
  close(flowMatchMu(cfg, 8192), 0.5 + (7936 * 0.65) / 3840, 1e-15); // extrapolates past max
  assert.throws(() => flowMatchMu({ ...cfg, maxImageSeqLen: 256 }, 512), /divides by their difference/);
});

test("flow shift_terminal 0.1: stretched so the last sigma is 0.1 [numpy]", () => {
  const p = flowMatchSigmas(flowCfg({ shift: 3, shiftTerminal: 0.1 }), 5, {});
  allClose(p.sigmas, [1, 0.9095152603231598, 0.7739910313901345, 0.5486567164179106, 0.1, 0], 1e-12);
  // shiftTerminal 0 is skipped like diffusers' `if self.config.shift_terminal:`
  assert.deepEqual(flowMatchSigmas(flowCfg({ shift: 3, shiftTerminal: 0 }), 5, {}), flowMatchSigmas(flowCfg({ shift: 3 }), 5, {}));
});

test("flow karras / exponential / beta sigmas between the shifted ends 1 and 1/112 [numpy / scipy]", () => {
  const k = flowMatchSigmas(flowCfg({ shift: 3, useKarrasSigmas: true }), 5, {});
  allClose(k.sigmas, [1, 0.40032155292034954, 0.13959911614280757, 0.04037270690617323, 1 / 112, 0], 1e-12);
  const x = flowMatchSigmas(flowCfg({ shift: 3, useExponentialSigmas: true }), 5, {});
  allClose(x.sigmas, [1, 0.3073940764756322, 0.09449111825230683, 0.029046010030317603, 1 / 112, 0], 1e-12);
  allClose(x.timesteps, [1000, 307.39407647563223, 94.49111825230683, 29.046010030317603, 1000 / 112], 1e-12);
  const b = flowMatchSigmas(flowCfg({ shift: 3, useBetaSigmas: true }), 5, {});
  // middle: ppf(0.5) = 0.5 for Beta(0.6, 0.6), so (1 + 1/112) / 2 = 0.5044642857142857.
  allClose(b.sigmas, [1, 0.8258881961567041, 0.5044642857142858, 0.18304037527186734, 1 / 112, 0], 1e-12);
});

test("flow custom sigmas: Flux's linspace(1, 1/N, N) with mu, and a static shift of given values", () => {
  const flux = flowMatchSigmas(flowCfg({ useDynamicShifting: true, shift: 3 }), 5, { sigmas: [1, 0.8, 0.6, 0.4, 0.2], mu: 0.63 });
  allClose(flux.sigmas, [1, 0.8824972941775645, 0.7379740483342184, 0.555899069830985, 0.3194513406329396, 0], 1e-12); // [numpy]
  const s = flowMatchSigmas(flowCfg({ shift: 2 }), 3, { sigmas: [0.9, 0.5, 0.1] });
  allClose(s.sigmas, [18 / 19, 2 / 3, 2 / 11, 0], 1e-15); // 2 s / (1 + s) by hand
  allClose(s.timesteps, [18000 / 19, 2000 / 3, 2000 / 11], 1e-15);
});

test("flow invert_sigmas (Mochi): 1 - sigma, timesteps from the inverted sigmas, final 1", () => {
  const p = flowMatchSigmas(flowCfg({ invertSigmas: true }), 5, {});
  allClose(p.sigmas, [0, 0.24975, 0.4995, 0.74925, 0.999, 1], 1e-12, 1e-15);
  allClose(p.timesteps, [0, 249.75, 499.5, 749.25, 999], 1e-12, 1e-12);
});

test("flow: lengths, descending, final zero, across options", () => {
  const variants: Partial<FlowMatchSigmaConfig>[] = [
    {}, { shift: 3 }, { shift: 0.5 }, { useDynamicShifting: true }, { useDynamicShifting: true, timeShiftType: "linear" },
    { shift: 3, shiftTerminal: 0.02 }, { shift: 3, useKarrasSigmas: true }, { useExponentialSigmas: true }, { useBetaSigmas: true },
  ];
  for (const v of variants) {
    for (const n of [1, 2, 4, 28, 50, 1000]) {
      if (n === 1 && v.shiftTerminal) continue; // one sigma of 1 cannot be stretched (0/0): see the errors test
      const p = flowMatchSigmas(flowCfg(v), n, { mu: 1.0 });
      assert.equal(p.sigmas.length, n + 1);
      assert.equal(p.timesteps.length, n);
      assert.equal(p.sigmas[n], 0);
      close(p.sigmas[0], 1, 1e-14);
      for (let i = 0; i < n; i++) {
        assert.ok(p.sigmas[i] > p.sigmas[i + 1], `${JSON.stringify(v)} n=${n} i=${i}`);
        close(p.timesteps[i], p.sigmas[i] * 1000, 1e-15);
      }
    }
  }
});

test("flow errors diffusers raises, and schedules that come out non-finite", () => {
  assert.throws(() => flowMatchSigmas(flowCfg({ useDynamicShifting: true }), 5, {}), /needs mu/);
  assert.throws(() => flowMatchSigmas(flowCfg({ useDynamicShifting: true }), 5, { mu: NaN }), /finite/);
  assert.throws(() => flowMatchSigmas(flowCfg({ useKarrasSigmas: true, useBetaSigmas: true }), 5, {}), /only one of/);
  assert.throws(() => flowMatchSigmas(flowCfg({ timeShiftType: "cubic" as never }), 5, {}), /time_shift_type/);
  assert.throws(() => flowMatchSigmas(flowCfg(), 4, { sigmas: [1, 0.5, 0.25] }), /must agree/);
  assert.throws(() => flowMatchSigmas(flowCfg(), 0, {}), /integer >= 1/);
  // shift_terminal with a last sigma of 1: 0/0 in the stretch.
  assert.throws(() => flowMatchSigmas(flowCfg({ shiftTerminal: 0.5 }), 1, { sigmas: [1] }), /not finite/);
  assert.throws(() => flowMatchSigmas(flowCfg({ shift: 3, shiftTerminal: 0.02 }), 1, {}), /not finite/);
  // exponential sigmas down to a custom 0: log(0).
  assert.throws(() => flowMatchSigmas(flowCfg({ useExponentialSigmas: true }), 2, { sigmas: [1, 0] }), /not finite/);
});

// ---------------------------------------------------------------- beta ppf

test("betaPpf: closed forms", () => {
  for (const p of [1e-9, 0.001, 0.1, 0.3, 0.5, 0.77, 0.999]) {
    close(betaPpf(p, 1, 1), p, 1e-13);
    close(betaPpf(p, 0.5, 0.5), Math.sin((Math.PI * p) / 2) ** 2, 1e-12); // arcsine law
    close(betaPpf(p, 2, 1), Math.sqrt(p), 1e-13); // F = x^2
    close(betaPpf(p, 1, 3), -Math.expm1(Math.log1p(-p) / 3), 1e-12); // F = 1 - (1 - x)^3
  }
  assert.equal(betaPpf(0, 0.6, 0.6), 0);
  assert.equal(betaPpf(1, 0.6, 0.6), 1);
  assert.throws(() => betaPpf(1.5, 0.6, 0.6), /p in \[0, 1\]/);
});

test("betaPpf(p, 0.6, 0.6) and (2.5, 0.7) against scipy.stats.beta.ppf [scipy]", () => {
  const ps = [1e-12, 1e-6, 0.001, 0.01, 0.1, 0.25, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999999];
  const sym = [1.8558824624914097e-20, 1.8558824624053043e-10, 1.855873851745199e-5, 0.0008612388215429059, 0.03958440558878085, 0.17568037865269498,
    0.23401700387523572, 0.5000000000000001, 0.7659829961247643, 0.9604155944112192, 0.9991387611784571, 0.9999999998144118];
  const skew = [1.9958893021616762e-5, 0.005011298507179347, 0.078904774714171, 0.19597479033740997, 0.47612263469362526, 0.6658033829022347,
    0.7097758912148804, 0.841502178841484, 0.9294990920467531, 0.9860477260295457, 0.9994860596769936, 0.9999999990081865];
  ps.forEach((p, i) => {
    close(betaPpf(p, 0.6, 0.6), sym[i], 1e-13);
    close(betaPpf(p, 2.5, 0.7), skew[i], 1e-13);
    close(incBeta(betaPpf(p, 0.6, 0.6), 0.6, 0.6), p, 1e-12, 1e-12); // near x = 1, 1 - x carries few digits
  });
});
