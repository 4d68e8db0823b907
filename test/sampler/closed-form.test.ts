// Closed-form check of every sequential sampler on a one-Gaussian model N(m, c^2 I). There E[x0 | x] is
// linear in x (ALGORITHMS.md 1b, one component): x0_hat = m + (a c^2 / (a^2 c^2 + s^2)) (x - a m) at the
// step's (a, s), so each step x' = P x + Q x0_hat + R eps_hat + std xi is a linear-Gaussian recursion and
// x_0 is exactly Gaussian, per coordinate N(mu, V), from x_N ~ N(0, initNoiseSigma^2).
//
// The step formulas are re-derived here from ALGORITHMS.md 1 / 1b (DDPM, DDIM, Euler ancestral sigma_up /
// sigma_down, flow matching's stochastic and SDE kernels, the deterministic Euler steps), from the noise
// levels the schedule reports (alphas_cumprod at its timesteps, or its sigmas), never from its x0Coef /
// xtCoef / epsCoef / sigma. Two checks per sampler:
//   1. hand-derived mean coefficients and std of every step equal the schedule's to 1e-12 relative
//      (deterministic; the grids themselves are also rebuilt: betas, leading timesteps, Euler sigmas,
//      Karras rho = 7, flow matching's shifted linspace);
//   2. 20,000 sequential chains in d = 2, one-sample KS per coordinate against the predicted N(mu, V),
//      Bonferroni over the 2 coordinates: each sampler fails with probability <= ALPHA = 1e-4 when right;
//      over the 8 samplers the family-wise false-failure rate is <= 8e-4. Seeds are fixed.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ksOneSample, normalCdf } from "../../tools/fixtures/stats.ts";
import { sample, schedule } from "../../tools/fixtures/sampler.ts";
import { makeMixture } from "../../src/models/index.ts";
import type { Schedule } from "../../src/sampler/scheduler/index.ts";
import type { BuildOptions } from "../../src/sampler/scheduler/index.ts";

const ALPHA = 1e-4;
const STEPS = 20;
const CHAINS = 20000;
const T = 1000;
const MEAN = [1.5, -0.7];
const C = 0.5;
const model = makeMixture("one-gaussian", [2], Float32Array.from(MEAN), [1], C);
// The model holds its means in f32: predict with what it holds.
const m = Array.from(model.means);

// Linear betas 1e-4 .. 0.02 over T (the config defaults), their cumulative product, and sigma(t) of the Euler family.
const abar = (() => {
  const out = new Float64Array(T);
  let p = 1;
  for (let i = 0; i < T; i++) {
    p *= 1 - (i === T - 1 ? 0.02 : 1e-4 + (i * (0.02 - 1e-4)) / (T - 1));
    out[i] = p;
  }
  return out;
})();
const trainSigma = (t: number) => Math.sqrt((1 - abar[t]) / abar[t]);
const leading = Array.from({ length: STEPS }, (_, k) => (STEPS - 1 - k) * Math.floor(T / STEPS));

/** One step in the house form: mean = x0 * x0_hat + xt * x + eps * eps_hat, noise std `std`; (a, s): x = a x0 + s eps. */
interface Step { a: number; s: number; x0: number; xt: number; eps: number; std: number }

type Derive = (sched: Schedule) => { steps: Step[]; init: number };

// DDPM (fixed_small) and DDIM (eta = 1) on the leading timesteps, prev = t - T / N, a_s = 1 after the last.
const vp = (ddim: boolean): Derive => (sched) => {
  assert.deepEqual(sched.timesteps, leading);
  const steps = leading.map((t): Step => {
    const prev = t - T / STEPS;
    const at = abar[t], as = prev >= 0 ? abar[prev] : 1;
    const a = Math.sqrt(at), s = Math.sqrt(1 - at);
    if (ddim) {
      const v = ((1 - as) / (1 - at)) * (1 - at / as);
      return { a, s, x0: Math.sqrt(as), xt: 0, eps: Math.sqrt(1 - as - v), std: Math.sqrt(v) };
    }
    const beta = 1 - at / as;
    const x0 = (Math.sqrt(as) * beta) / (1 - at), xt = (Math.sqrt(at / as) * (1 - as)) / (1 - at);
    return { a, s, x0, xt, eps: 0, std: t > 0 ? Math.sqrt(((1 - as) / (1 - at)) * beta) : 0 };
  });
  return { steps, init: 1 };
};

// Euler on sigmas: x = x0 + sigma eps. Ancestral: s_up = sqrt(s'^2 (s^2 - s'^2) / s^2), s_down = sqrt(s'^2 - s_up^2),
// mean = (s_down / s) x + (1 - s_down / s) x0_hat; plain Euler is s_down = s', no noise.
const euler = (ancestral: boolean, karras: boolean): Derive => (sched) => {
  const sig = sched.steps.map((st) => st.s);
  // The grid: sigma at the leading timesteps; Karras re-spaces between its ends with rho = 7.
  const plain = leading.map(trainSigma);
  if (!karras) {
    assert.deepEqual(sched.timesteps, leading);
    sig.forEach((s, k) => close(s, plain[k], `sigma[${k}]`));
  } else {
    const lo = plain[STEPS - 1] ** (1 / 7), hi = plain[0] ** (1 / 7);
    sig.forEach((s, k) => close(s, (hi + (k / (STEPS - 1)) * (lo - hi)) ** 7, `karras sigma[${k}]`));
  }
  // Leading spacing: init_noise_sigma = sqrt(sigma_max^2 + 1).
  const init = Math.sqrt(sig[0] ** 2 + 1);
  const steps = sig.map((s, k): Step => {
    const next = k + 1 < STEPS ? sig[k + 1] : 0;
    const up = ancestral ? Math.sqrt((next ** 2 * (s ** 2 - next ** 2)) / s ** 2) : 0;
    const down = ancestral ? Math.sqrt(next ** 2 - up ** 2) : next;
    return { a: 1, s, x0: 1 - down / s, xt: down / s, eps: 0, std: up };
  });
  return { steps, init };
};

// Flow matching: x = (1 - sigma) x0 + sigma eps, v = (x - x0_hat) / sigma. The grid is diffusers' set_timesteps:
// linspace(1, shift(1/T), N) (the training sigmas' ends, already shifted), then shifted: shift s / (1 + (shift - 1) s).
const flow = (kind: "ode" | "stochastic" | "sde", shift: number, level = 0): Derive => (sched) => {
  const sh = (x: number) => (shift * x) / (1 + (shift - 1) * x);
  const sig = sched.steps.map((st) => st.s);
  const lo = sh(1 / T);
  sig.forEach((s, k) => close(s, sh(1 + (k / (STEPS - 1)) * (lo - 1)), `flow sigma[${k}]`));
  const firstBelowOne = sig.find((s) => s < 1)!;
  const steps = sig.map((s, k): Step => {
    const next = k + 1 < STEPS ? sig[k + 1] : 0;
    const base = { a: 1 - s, s, eps: 0 };
    // x' = x + (s' - s) v
    if (kind === "ode") return { ...base, xt: 1 + (next - s) / s, x0: -(next - s) / s, std: 0 };
    // x' = (1 - s') x0_hat + s' xi
    if (kind === "stochastic") return { ...base, xt: 0, x0: 1 - next, std: next };
    // x' = x + dt (v + a^2 / (2 (1 - s)) (x + (1 - s) v)), std = a sqrt(s / (1 - s)) sqrt(s - s'),
    // with s = 1 replaced by the first sigma below 1 in the denominator 1 - s.
    const dt = next - s, den = 1 - (s < 1 ? s : firstBelowOne), g = (level * level) / (2 * den);
    // v = x / s - x0_hat / s: collect the x and x0_hat coefficients.
    const vCoef = dt * (1 + g * (1 - s));
    return { ...base, xt: 1 + dt * g + vCoef / s, x0: -vCoef / s, std: level * Math.sqrt(s / den) * Math.sqrt(s - next) };
  });
  return { steps, init: 1 };
};

function close(got: number, want: number, what: string): void {
  const ok = got === want || Math.abs(got - want) <= 1e-12 * Math.max(Math.abs(got), Math.abs(want));
  assert.ok(ok, `${what}: schedule ${got}, hand-derived ${want} (relative ${Math.abs(got - want) / Math.max(Math.abs(got), Math.abs(want))})`);
}

const samplers: { name: string; scheduler: Record<string, unknown>; build?: BuildOptions; derive: Derive }[] = [
  { name: "DDPM", scheduler: {}, derive: vp(false) },
  { name: "DDIM eta=1", scheduler: { _class_name: "DDIMScheduler" }, build: { eta: 1 }, derive: vp(true) },
  { name: "Euler ancestral", scheduler: { _class_name: "EulerAncestralDiscreteScheduler", timestep_spacing: "leading" }, derive: euler(true, false) },
  { name: "Euler ancestral Karras", scheduler: { _class_name: "EulerAncestralDiscreteScheduler", timestep_spacing: "leading", use_karras_sigmas: true }, derive: euler(true, true) },
  { name: "flow stochastic_sampling shift 3", scheduler: { _class_name: "FlowMatchEulerDiscreteScheduler", stochastic_sampling: true, shift: 3 }, derive: flow("stochastic", 3) },
  { name: "flow SDE noise 0.7 shift 3", scheduler: { _class_name: "FlowMatchEulerDiscreteScheduler", shift: 3 }, build: { noiseLevel: 0.7 }, derive: flow("sde", 3, 0.7) },
  { name: "Euler (ODE)", scheduler: { _class_name: "EulerDiscreteScheduler", timestep_spacing: "leading" }, derive: euler(false, false) },
  { name: "flow ODE shift 3", scheduler: { _class_name: "FlowMatchEulerDiscreteScheduler", shift: 3 }, derive: flow("ode", 3) },
];

/** Exact per-coordinate mean and variance of x_0 under the hand-derived recursion. */
function propagate(steps: Step[], init: number): { mu: number[]; v: number[] } {
  const mu = m.map(() => 0), v = m.map(() => init * init);
  for (const st of steps) {
    // x0_hat = g x + (1 - g a) m ; eps_hat = (x - a x0_hat) / s ; mean = P x + B m.
    const g = (st.a * C * C) / (st.a * st.a * C * C + st.s * st.s);
    const x0x = g, x0m = 1 - g * st.a;
    const epsx = (1 - st.a * x0x) / st.s, epsm = (-st.a * x0m) / st.s;
    const P = st.xt + st.x0 * x0x + st.eps * epsx, B = st.x0 * x0m + st.eps * epsm;
    for (let j = 0; j < m.length; j++) {
      mu[j] = P * mu[j] + B * m[j];
      v[j] = P * P * v[j] + st.std * st.std;
    }
  }
  return { mu, v };
}

describe("closed form on one Gaussian: sequential samplers are the hand-derived linear-Gaussian recursions", () => {
  samplers.forEach(({ name, scheduler, build, derive }, i) => {
    const sched = schedule(STEPS, scheduler, build);
    const { steps, init } = derive(sched);

    test(`${name}: every step's mean coefficients and std equal the hand-derived ones (1e-12 relative)`, () => {
      assert.equal(sched.steps.length, STEPS);
      close(sched.initNoiseSigma, init, "initNoiseSigma");
      sched.steps.forEach((st, k) => {
        // The house form mean = x0Coef x0_hat + xtCoef x + epsCoef eps_hat; eps_hat = (x - a x0_hat) / s folds
        // into the other two, so compare the mean as a function of (x, x0_hat).
        const fold = (q: { x0: number; xt: number; eps: number }) => ({ xt: q.xt + q.eps / st.s, x0: q.x0 - (q.eps * st.a) / st.s });
        const got = fold({ x0: st.x0Coef, xt: st.xtCoef, eps: st.epsCoef }), want = fold(steps[k]);
        close(st.a, steps[k].a, `${name} step ${k} a`);
        close(st.s, steps[k].s, `${name} step ${k} s`);
        close(got.xt, want.xt, `${name} step ${k} coefficient of x`);
        close(got.x0, want.x0, `${name} step ${k} coefficient of x0_hat`);
        close(st.sigma, steps[k].std, `${name} step ${k} std`);
      });
    });

    test(`${name}: ${CHAINS} sequential chains follow the predicted N(mu, V) per coordinate (KS)`, async () => {
      const { mu, v } = propagate(steps, init);
      const { samples } = await sample({ model, steps: STEPS, method: "sequential", chains: CHAINS, seed: 300 + i, scheduler, build });
      const ps = mu.map((mj, j) => {
        const xs = Float64Array.from({ length: CHAINS }, (_, n) => samples[n * 2 + j]);
        return ksOneSample(xs, (x) => normalCdf((x - mj) / Math.sqrt(v[j]))).p;
      });
      const p = Math.min(1, Math.min(...ps) * ps.length);
      assert.ok(p > ALPHA, `${name}: corrected p = ${p.toExponential(2)} (predicted mu ${mu.map((x) => x.toFixed(4))}, sd ${v.map((x) => Math.sqrt(x).toFixed(4))})`);
    });
  });

  // Power: the same KS check must reject a prediction that is slightly off (the variance of the Euler ancestral
  // chain's output scaled by 1.15^2, a 15% error in sd). Deterministic given the seed.
  test("control: a 15% wrong sd is rejected", async () => {
    const { scheduler, derive } = samplers[2];
    const { steps, init } = derive(schedule(STEPS, scheduler));
    const { mu, v } = propagate(steps, init);
    const { samples } = await sample({ model, steps: STEPS, method: "sequential", chains: CHAINS, seed: 399, scheduler });
    const xs = Float64Array.from({ length: CHAINS }, (_, n) => samples[n * 2]);
    assert.ok(ksOneSample(xs, (x) => normalCdf((x - mu[0]) / (1.15 * Math.sqrt(v[0])))).p * 2 <= ALPHA);
  });
});
