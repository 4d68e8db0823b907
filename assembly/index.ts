// core.wasm: the numerical core of speculative diffusion sampling. Re-exports only.
export * from "./memory";
export * from "./philox";
export * from "./random";
export * from "./vector";
export * from "./special";
export * from "./verify";
export * from "./residual";
export * from "./gmm";
export * from "./bandwidth";
