export { jsonBody, timingBody, type Answer, type PipelineSummary } from "./json.ts";
export { encodeNpy } from "./npy.ts";
export { encodeGrid, gridBytes, type ImageLayout } from "./png.ts";
export { answerResponse, statsSummary } from "./response.ts";
