// Shared set-up of the learned-model tests: the reference provider serving models/digits/model.onnx on
// 127.0.0.1, and the `digits` MODELS entry exactly as wrangler.toml commits it, pointed at that provider.
import { readFileSync } from "node:fs";
import { DIGITS_TENSOR_NAMES, loadOnnxDenoiser } from "../../tools/provider/onnx-model.ts";
import { serveOnnx } from "../../tools/provider/onnx-served.ts";
import { startProvider, type Provider } from "../../tools/provider/server.ts";
import { DIGITS_MODEL_PATH } from "../../tools/learned/digits.ts";

/** The provider with "digits" (FP32 wire, onnxruntime on CPU); close() also frees the ONNX session. */
export const startDigitsProvider = async (): Promise<Provider> => {
  const onnx = await loadOnnxDenoiser(DIGITS_MODEL_PATH);
  const p = await startProvider({ models: [], served: [serveOnnx("digits", onnx, DIGITS_TENSOR_NAMES)] });
  return { ...p, close: async () => { await p.close(); await onnx.release(); } };
};

export interface ModelsEntry {
  id: string;
  scheduler: Record<string, unknown>;
  defaults: { steps: number; method: string; draft: Record<string, unknown> };
  settings: Record<string, unknown> & { base_url: string };
  [key: string]: unknown;
}

/** The MODELS var of wrangler.toml: the JSON between MODELS = ''' and '''. */
export const committedModels = (): ModelsEntry[] => {
  const toml = readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8");
  const json = /^MODELS\s*=\s*'''([\s\S]*?)'''/m.exec(toml)?.[1];
  if (json === undefined) throw new Error("wrangler.toml has no MODELS = '''...''' var");
  return JSON.parse(json) as ModelsEntry[];
};

/** The committed `digits` entry with its base URL replaced by `url` (the provider's free port). */
export const digitsEntry = (url: string): ModelsEntry => {
  const entry = committedModels().find((m) => m.id === "digits");
  if (!entry) throw new Error("wrangler.toml MODELS has no digits entry");
  return { ...entry, settings: { ...entry.settings, base_url: url } };
};
