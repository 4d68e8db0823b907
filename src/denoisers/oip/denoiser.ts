// The OIP v2 denoiser: a round's rows go to the provider in one call (or several concurrent calls of
// at most maxRowsPerCall rows), after a one-time check of the model's metadata.
import type { Denoiser, DenoiserBatch } from "../port.ts";
import { rowSize, type OipModelConfig } from "./config.ts";
import { checkMetadata, metadataCache, modelUrl, type WirePlan } from "./metadata.ts";
import { runPool, splitRows } from "./pool.ts";
import { encodeInferRequest } from "./request.ts";
import { scaledRow } from "./tensors.ts";
import { conditionTensors } from "./condition-tensors.ts";
import { decodeInferResponse, type OutputRows } from "./response.ts";
import type { AttemptRequest } from "./transport.ts";
import { oipCaller, type OipDeps } from "./caller.ts";
import { DenoiserBadResponseError } from "../../errors.ts";

export type { OipCallEvent, OipDeps } from "./caller.ts";

export interface OipDenoiser extends Denoiser {
  readonly config: OipModelConfig;
  /** Reads and checks the model metadata; the result is kept for the instance's lifetime (a failure is not). */
  ready(signal?: AbortSignal): Promise<WirePlan>;
}

const utf8 = new TextDecoder();

export const oipDenoiser = (config: OipModelConfig, deps: OipDeps = {}): OipDenoiser => {
  const dim = rowSize(config);
  const model = `model "${config.modelName}"`;
  const { auth, call, scrubbed } = oipCaller(config, deps, localProviderHint(config));

  const readMetadata = async function readMetadata(signal?: AbortSignal): Promise<WirePlan> {
    const label = `metadata of ${model}`;
    const answer = await call("metadata", 0, { label, url: modelUrl(config), method: "GET", headers: { ...auth } }, signal);
    let body: unknown;
    try {
      body = JSON.parse(utf8.decode(answer.body));
    } catch {
      throw new DenoiserBadResponseError(`${label} is not JSON`);
    }
    return checkMetadata(config, body);
  };

  // The checked plan, with failures kept briefly (metadata.ts metadataCache).
  const metadata = metadataCache();
  const ready = function ready(signal?: AbortSignal): Promise<WirePlan> {
    return metadata.get(() => readMetadata(signal));
  };

  const evaluate = async function evaluate(batch: DenoiserBatch, signal?: AbortSignal): Promise<void> {
    if (batch.timesteps.length !== batch.rows) throw new RangeError(`oip: batch of ${batch.rows} rows has ${batch.timesteps.length} timesteps`);
    const wire = await ready(signal);
    signal?.throwIfAborted();
    if (batch.rows === 0) return;
    // Every slice is encoded now, before any await: the rows are views into memory the sampler owns.
    const slices = splitRows(batch.rows, config.maxRowsPerCall).map(({ start, count }) => {
      const rows = { rows: count, state: (r: number) => scaledRow(batch.state(start + r), batch.inputScale[start + r]), timesteps: batch.timesteps.subarray(start, start + count) };
      const { body, headers } = encodeInferRequest(config, wire, rows, conditionTensors(config, wire, batch, start, count));
      return { start, count, req: { label: `infer on ${model}`, url: `${modelUrl(config)}/infer`, method: "POST", headers: { ...headers, ...auth }, body } as AttemptRequest };
    });
    // Outputs go back in row order: a slice that answers early waits for the ones before it.
    const answers: (OutputRows | undefined)[] = new Array(slices.length);
    let delivered = 0;
    const row = new Float32Array(dim);
    const deliver = () => {
      for (; delivered < slices.length && answers[delivered]; delivered++) {
        const { start, count } = slices[delivered];
        const rows = answers[delivered]!;
        answers[delivered] = undefined;
        for (let r = 0; r < count; r++) {
          rows.read(r, row);
          batch.put(start + r, row);
        }
      }
    };
    try {
      await runPool(slices.map((_, i) => i), config.maxConcurrentCalls, signal, async function inferSlice(i, round) {
        const { count, req } = slices[i];
        const answer = await call("infer", count, req, round);
        answers[i] = decodeInferResponse(config, answer, count);
        deliver();
      });
    } catch (e) {
      // The model may have been redeployed with other tensors: its metadata is read again (at most once per period).
      metadata.failed(e);
      throw e;
    }
  };

  return { dim, config, ready: scrubbed(ready), evaluate: scrubbed(evaluate) };
};

// Models of this repository the reference provider (tools/provider) serves from a file.
const LOCAL_MODEL_FILES: Readonly<Record<string, string>> = { digits: "models/digits/model.onnx", "patches-32": "models/patches-32/model.onnx" };
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** For a provider on this machine: how to start the reference provider there; else undefined. */
export function localProviderHint(config: OipModelConfig): string | undefined {
  let url: URL;
  try {
    url = new URL(config.baseUrl);
  } catch {
    return undefined;
  }
  if (!LOCAL_HOSTS.has(url.hostname)) return undefined;
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  const file = Object.hasOwn(LOCAL_MODEL_FILES, config.modelName) ? LOCAL_MODEL_FILES[config.modelName] : "PATH/TO/model.onnx";
  return `is the local provider running? Start it with: npm run provider -- --port ${port} --onnx ${config.modelName}=${file}`;
}
