// One finished run as an HTTP answer in the requested format. Binary formats carry the seed and a
// stats summary in headers, so a client writing the file still learns what it got.
import type { OutputFormat } from "../schemas/index.ts";
import { jsonBody, timingBody, type Answer } from "./json.ts";
import { encodeNpy } from "./npy.ts";
import { encodeGrid, type ImageLayout } from "./png.ts";

/** The summary that goes into X-Stats: the scalar stats and the timing. */
export const statsSummary = (a: Answer) => {
  const { method, steps, rounds, target_rows, speedup, acceptance } = a.run.stats;
  return { method, steps, rounds, target_rows, speedup, acceptance, ...timingBody(a.run) };
};

const headersFor = (a: Answer, contentType: string): Headers => {
  const t = a.run.timing;
  return new Headers({
    "content-type": contentType,
    "x-seed": String(a.seed),
    "x-stats": JSON.stringify(statsSummary(a)),
    "server-timing": `total;dur=${t.totalMs.toFixed(1)}, denoiser;dur=${t.denoiserMs.toFixed(1)}, core;dur=${t.coreMs.toFixed(1)}`,
  });
};

/** The decoded images' value range (pipeline.ts writes two numbers), or undefined for [-1, 1]. */
const rangeOf = (a: Answer): readonly [number, number] | undefined => {
  const r = a.pipeline?.value_range;
  return r ? [r[0], r[1]] : undefined;
};

/** `image` is the model's layout when output is png (the plan has checked it exists). */
export const answerResponse = (a: Answer, format: OutputFormat, image: ImageLayout | null): Response => {
  if (format === "npy") {
    return new Response(encodeNpy(a.run.samples, a.shape), { headers: headersFor(a, "application/x-npy") });
  }
  if (format === "png" && image) {
    const png = encodeGrid(a.run.samples, a.shape[0], image, { seed: String(a.seed) }, rangeOf(a));
    return new Response(png, { headers: headersFor(a, "image/png") });
  }
  return new Response(JSON.stringify(jsonBody(a)), { headers: headersFor(a, "application/json") });
};
