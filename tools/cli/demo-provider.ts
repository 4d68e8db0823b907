// Models the demo serves from a local reference provider (tools/provider) rather than inside the
// Worker: their wrangler.toml entries point at 127.0.0.1:PORT, so the demo starts the provider there.
import { fileURLToPath } from "node:url";
import { DIGITS_TENSOR_NAMES, loadOnnxDenoiser } from "../provider/onnx-model.ts";
import { serveOnnx } from "../provider/onnx-served.ts";
import { startProvider } from "../provider/server.ts";
import { DIGITS_MODEL_PATH } from "../learned/digits.ts";
import { startConditionalProvider } from "../fixtures/conditional-learned.ts";

/** The port of the digits entry's base_url in wrangler.toml. */
export const PROVIDER_PORT = 8000;

// Row models with the digits tensor names (sample, timestep, epsilon), and the conditional pipeline's entries.
const ONNX_MODELS: Readonly<Record<string, string>> = { digits: DIGITS_MODEL_PATH, "patches-32": fileURLToPath(new URL("../../models/patches-32/model.onnx", import.meta.url)) };
const PIPELINE_MODELS = new Set(["digits-cond", "digits-prompt"]);

export interface LocalProvider {
  url: string;
  close(): Promise<void>;
}

/** Starts the provider for `model` when it is one of ONNX_MODELS; undefined for the Worker's own models. */
export const startProviderFor = async (model: string): Promise<LocalProvider | undefined> => {
  if (PIPELINE_MODELS.has(model)) return portInUse(model, () => startConditionalProvider({ port: PROVIDER_PORT }));
  const path = Object.hasOwn(ONNX_MODELS, model) ? ONNX_MODELS[model] : undefined;
  if (!path) return undefined;
  const onnx = await loadOnnxDenoiser(path);
  try {
    const p = await startProvider({ models: [], served: [serveOnnx(model, onnx, DIGITS_TENSOR_NAMES)], port: PROVIDER_PORT });
    return { url: p.url, close: async () => { await p.close(); await onnx.release(); } };
  } catch (err) {
    await onnx.release();
    throw busyPort(err, model);
  }
};

const busyPort = (err: unknown, model: string): unknown =>
  (err as NodeJS.ErrnoException).code === "EADDRINUSE"
    ? new Error(`port ${PROVIDER_PORT} is in use (the ${model} entry of wrangler.toml points there): stop what listens on it`)
    : err;

const portInUse = async (model: string, start: () => Promise<LocalProvider>): Promise<LocalProvider> => {
  try {
    return await start();
  } catch (err) {
    throw busyPort(err, model);
  }
};
