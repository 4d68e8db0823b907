export * from "./types.ts";
export * from "./config.ts";
export * from "./betas.ts";
export * from "./timesteps.ts";
export * from "./prediction.ts";
export * from "./coefficients.ts";
export * from "./steps.ts";
export * from "./f32.ts";
