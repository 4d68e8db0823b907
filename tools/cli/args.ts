// Command-line options of `npm run sample`, with the output format taken from the file extension.
import { parseArgs } from "node:util";

export interface SampleArgs {
  url: string;
  token: string | undefined;
  out: string;
  /** The answer's format; a stream is always JSON, written as JSON lines (one per event). */
  format: "json" | "npy" | "png";
  stream: boolean;
  body: Record<string, unknown>;
}

export const USAGE = `usage: npm run sample -- [--model glyphs] [--n 16] [--out samples.png] [options]
  --model ID         model id from GET /v1/models (default glyphs)
  --n N              number of samples (default 16)
  --out FILE         .png, .npy or .json (default samples.png); with --stream .jsonl or .json
  --steps N          inference steps (default: the model's)
  --method M         sequential | token | block (default: the model's)
  --window L         draft window, 1..32
  --draft TYPE       free | frozen-target
  --seed S           integer seed (default: the server draws one and reports it)
  --class-labels L   conditional models: comma-separated class ids, one for all or one per sample, or
                     "rows": sample i gets class (i div columns) mod 10, one class per row of the png grid
  --prompt TEXT      prompt models: the prompt of every sample
  --negative-prompt TEXT
  --guidance W       classifier-free guidance scale (default: the model's)
  --latents          models with a decoder: answer the latents instead of decoded images
  --stream           print one line per round (Server-Sent Events); --out gets one JSON line
                     per event: {"event": "round", "data": ...} lines, then the result
  --url URL          server (default $SAMPLER_URL or http://localhost:8787)
  --token T          bearer token (default $API_TOKEN)`;

const FORMATS = { ".png": "png", ".npy": "npy", ".json": "json" } as const;
const STREAM_EXTENSIONS = [".jsonl", ".json"];

const int = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`--${name} must be an integer, got ${v}`);
  return n;
};

/** --class-labels: "rows" (class k on row k of the png grid, which has ceil(sqrt(n)) columns) or a list. */
const classLabels = (v: string | undefined, n: number): number | number[] | undefined => {
  if (v === undefined) return undefined;
  if (v === "rows") {
    const cols = Math.ceil(Math.sqrt(n));
    return Array.from({ length: n }, (_, i) => Math.floor(i / cols) % 10);
  }
  const labels = v.split(",").map((x) => int(x.trim(), "class-labels")!);
  return labels.length === 1 ? labels[0] : labels;
};

export const parseSampleArgs = (argv: string[], env: Readonly<Record<string, string | undefined>> = process.env): SampleArgs => {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      model: { type: "string", default: "glyphs" },
      n: { type: "string", default: "16" },
      out: { type: "string", default: "samples.png" },
      steps: { type: "string" },
      method: { type: "string" },
      window: { type: "string" },
      draft: { type: "string" },
      seed: { type: "string" },
      "class-labels": { type: "string" },
      prompt: { type: "string" },
      "negative-prompt": { type: "string" },
      guidance: { type: "string" },
      latents: { type: "boolean", default: false },
      stream: { type: "boolean", default: false },
      url: { type: "string" },
      token: { type: "string" },
    },
  });
  const out = v.out.toLowerCase();
  if (v.stream && !STREAM_EXTENSIONS.some((e) => out.endsWith(e))) {
    throw new Error(`--stream writes JSON lines (one per event), not an image or array: use --out run.jsonl or run.json, got ${v.out}`);
  }
  const ext = Object.keys(FORMATS).find((e) => out.endsWith(e)) as keyof typeof FORMATS | undefined;
  if (!ext && !v.stream) throw new Error(`--out must end in .png, .npy or .json (.jsonl with --stream), got ${v.out}`);
  const format = v.stream || !ext ? "json" : FORMATS[ext];
  const window = int(v.window, "window");
  const draft = window !== undefined || v.draft ? { window, type: v.draft } : undefined;
  const n = int(v.n, "n");
  const guidance = v.guidance === undefined ? undefined : Number(v.guidance);
  if (guidance !== undefined && !Number.isFinite(guidance)) throw new Error(`--guidance must be a number, got ${v.guidance}`);
  const body = {
    model: v.model,
    num_samples: n,
    class_labels: classLabels(v["class-labels"], n ?? 16),
    prompt: v.prompt,
    negative_prompt: v["negative-prompt"],
    guidance_scale: guidance,
    decode: v.latents ? false : undefined,
    steps: int(v.steps, "steps"),
    method: v.method,
    draft,
    seed: int(v.seed, "seed"),
    output: format,
    stream: v.stream || undefined,
  };
  return {
    url: (v.url ?? env.SAMPLER_URL ?? "http://localhost:8787").replace(/\/+$/, ""),
    token: v.token ?? env.API_TOKEN,
    out: v.out,
    format,
    stream: v.stream,
    body: JSON.parse(JSON.stringify(body)), // drops undefined fields
  };
};
