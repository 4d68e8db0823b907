// Models the demo serves from a local reference provider (tools/provider) rather than inside the
// Worker: their wrangler.toml entries point at 127.0.0.1:PORT, so the demo starts the provider there.
import { DIGITS_TENSOR_NAMES, loadOnnxDenoiser } from "../provider/onnx-model.ts";
import { serveOnnx } from "../provider/onnx-served.ts";
import { startProvider } from "../provider/server.ts";
import { DIGITS_MODEL_PATH } from "../learned/digits.ts";

/** The port of the digits entry's base_url in wrangler.toml. */
export const PROVIDER_PORT = 8000;

const ONNX_MODELS: Readonly<Record<string, string>> = { digits: DIGITS_MODEL_PATH };

export interface LocalProvider {
  url: string;
  close(): Promise<void>;
}

/** Starts the provider for `model` when it is one of ONNX_MODELS; undefined for the Worker's own models. */
export const startProviderFor = async (model: string): Promise<LocalProvider | undefined> => {
  const path = ONNX_MODELS[model];
  if (!path) return undefined;
  const onnx = await loadOnnxDenoiser(path);
  try {
    const p = await startProvider({ models: [], served: [serveOnnx(model, onnx, DIGITS_TENSOR_NAMES)], port: PROVIDER_PORT });
    return { url: p.url, close: async () => { await p.close(); await onnx.release(); } };
  } catch (err) {
    await onnx.release();
    const busy = (err as NodeJS.ErrnoException).code === "EADDRINUSE";
    throw busy ? new Error(`port ${PROVIDER_PORT} is in use (the ${model} entry of wrangler.toml points there): stop what listens on it`) : err;
  }
};
