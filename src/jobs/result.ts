// A finished job's result, read from its R2 parts at request time: the npy file is its header followed by
// the parts in chain order, streamed one part at a time (one R2 read each, nothing held whole); a JSON
// answer (small results only) and a PNG page read just the chains they need, by byte range.
// Why not assemble one object with an R2 multipart upload at the end: R2 wants every part but the last
// of one size and at least 5 MiB, while a chunk's part is whatever its chains weigh (32 KiB for 4,096
// ring-2d samples), so assembling would mean reading and writing every byte again in 5 MiB pieces.
import { encodeGrid } from "../api/encode/index.ts";
import type { OutputFormat } from "../api/schemas/index.ts";
import { InvalidRequestError, LimitError } from "../errors.ts";
import { JOB_LIMITS, pngPageSamples } from "./limits.ts";
import { jobStats, npyBytes, npyHeader, resultShape, type JobRecord, type PartRecord } from "./record.ts";

const headersFor = (rec: JobRecord, contentType: string, ext: string): Record<string, string> => ({
  "content-type": contentType,
  "x-seed": String(rec.seed),
  "x-stats": JSON.stringify(jobStats(rec)),
  "content-disposition": `attachment; filename="job-${rec.id.slice(0, 16)}${ext}"`,
});

class MissingPartError extends Error {
  override readonly name = "MissingPartError";
}

/** The npy file: header, then each part's bytes in order, pulled as the client reads. */
const npyStream = (rec: JobRecord, parts: readonly PartRecord[], bucket: R2Bucket): ReadableStream<Uint8Array> => {
  let next = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      if (!headerSent) {
        headerSent = true;
        ctrl.enqueue(npyHeader(resultShape(rec)));
        return;
      }
      for (;;) {
        if (!reader) {
          if (next >= parts.length) {
            ctrl.close();
            return;
          }
          const obj = await bucket.get(parts[next].key);
          if (!obj) throw new MissingPartError(`part ${parts[next].key} is missing from R2`);
          reader = (obj.body as ReadableStream<Uint8Array>).getReader();
        }
        const { done, value } = await reader.read();
        if (done) {
          reader = null;
          next++;
          continue;
        }
        ctrl.enqueue(value);
        return;
      }
    },
    async cancel(reason) {
      await reader?.cancel(reason);
    },
  });
};

/** Chains [from, to) as float32, read from the parts that hold them (R2 range reads). */
export const readChains = async (rec: JobRecord, parts: readonly PartRecord[], bucket: R2Bucket, from: number, to: number): Promise<Float32Array> => {
  const dim = rec.dim;
  const out = new Float32Array((to - from) * dim);
  for (const p of parts) {
    const a = Math.max(from, p.start), b = Math.min(to, p.start + p.count);
    if (a >= b) continue;
    const obj = await bucket.get(p.key, { range: { offset: (a - p.start) * dim * 4, length: (b - a) * dim * 4 } });
    if (!obj) throw new MissingPartError(`part ${p.key} is missing from R2`);
    const bytes = new Uint8Array(await obj.arrayBuffer());
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const at = (a - from) * dim;
    for (let i = 0; i < (b - a) * dim; i++) out[at + i] = view.getFloat32(4 * i, true);
  }
  return out;
};

/** The result in `format` (png: page `page`). Throws 413 (json too large) or 422 (png of a non-image, page out of range). */
export const resultResponse = async (rec: JobRecord, parts: readonly PartRecord[], bucket: R2Bucket, format: OutputFormat, page = 0): Promise<Response> => {
  const values = rec.numSamples * rec.dim;
  if (format === "json") {
    if (values > JOB_LIMITS.jsonValues) {
      throw new LimitError("format", `the result has ${values} values; limit json_values is ${JOB_LIMITS.jsonValues}: ask for format=npy (4 bytes a value)`);
    }
    const data = await readChains(rec, parts, bucket, 0, rec.numSamples);
    const body = { samples: { shape: resultShape(rec), dtype: "float32", data: Array.from(data) }, seed: rec.seed, stats: jobStats(rec) };
    return new Response(JSON.stringify(body), { headers: headersFor(rec, "application/json", ".json") });
  }
  if (format === "png") {
    if (!rec.image) throw new InvalidRequestError("format", `model "${rec.model}" has shape [${rec.sampleShape.join(", ")}], not an image ([H, W] or [1|3, H, W]): ask for format=npy`);
    const perPage = pngPageSamples(rec.dim, rec.image);
    const pages = Math.ceil(rec.numSamples / perPage);
    if (page >= pages) throw new InvalidRequestError("page", `the result has ${pages} PNG page${pages === 1 ? "" : "s"} of ${perPage} samples: page is 0..${pages - 1}`);
    const from = page * perPage, to = Math.min(rec.numSamples, from + perPage);
    const samples = await readChains(rec, parts, bucket, from, to);
    const png = encodeGrid(samples, to - from, rec.image, { seed: String(rec.seed) });
    return new Response(png, { headers: { ...headersFor(rec, "image/png", `-page${page}.png`), "x-page": `${page}/${pages}`, "x-first-sample": String(from) } });
  }
  const total = npyBytes(rec);
  let body: ReadableStream<Uint8Array> = npyStream(rec, parts, bucket);
  // workerd sends a Content-Length for a stream of known length only through a FixedLengthStream.
  if (typeof FixedLengthStream === "function") body = body.pipeThrough(new FixedLengthStream(total));
  return new Response(body, { headers: headersFor(rec, "application/x-npy", ".npy") });
};
