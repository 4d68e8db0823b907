export { OIP_DEFAULTS, OIP_LIMITS, rowSize, type OipAuth, type OipModelConfig, type OipRetryPolicy, type TimestepDtype, type WireDtype } from "./config.ts";
export { parseOipConfig } from "./parse.ts";
export { oipDenoiser, type OipCallEvent, type OipDeps, type OipDenoiser } from "./denoiser.ts";
export { checkMetadata, modelUrl, type WirePlan } from "./metadata.ts";
export { backoffMs } from "./retry.ts";
export { fromFp16Bytes, roundToFp16, toFp16Bytes } from "./fp16.ts";
export { oipConfigOf, oipRemoteProvider, type OipModelEntry } from "./remote.ts";
