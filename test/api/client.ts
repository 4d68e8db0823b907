// Small helpers for driving the Worker under Miniflare in the API tests.
import type { Miniflare } from "miniflare";
import type { SampleStats } from "../../src/sampler/summary.ts";

export const ORIGIN = "http://worker.test";

/** POSTs a JSON body to /v1/samples; `headers` add to or replace the JSON content type. */
export const postSamples = (mf: Miniflare, body: unknown, headers: Record<string, string> = {}) =>
  mf.dispatchFetch(`${ORIGIN}/v1/samples`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  }) as unknown as Promise<Response>;

export const get = (mf: Miniflare, path: string, headers: Record<string, string> = {}) =>
  mf.dispatchFetch(`${ORIGIN}${path}`, { headers }) as unknown as Promise<Response>;

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

export interface SampleBody {
  samples: { shape: number[]; dtype: string; data: number[] };
  seed: number;
  stats: SampleStats;
  timing: { total_ms: number; denoiser_ms: number; core_ms: number };
}

export const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());
