// Sigma / timestep plans of diffusers' Euler (ancestral) and flow-matching Euler schedulers.
export type { SigmaPlan } from "./sigmas-common.ts";
export { eulerSigmas, sigmaToT, type EulerSigmaConfig } from "./sigmas-euler.ts";
export { flowMatchMu, flowMatchSigmas, type FlowMatchSigmaConfig } from "./sigmas-flow.ts";
export { betaPpf } from "./sigmas-beta.ts";
