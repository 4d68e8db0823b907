// Command-line options of `npm run sample`, with the output format taken from the file extension.
import { parseArgs } from "node:util";

export interface SampleArgs {
  url: string;
  token: string | undefined;
  out: string;
  format: "json" | "npy" | "png";
  stream: boolean;
  body: Record<string, unknown>;
}

export const USAGE = `usage: npm run sample -- [--model glyphs] [--n 16] [--out samples.png] [options]
  --model ID         model id from GET /v1/models (default glyphs)
  --n N              number of samples (default 16)
  --out FILE         .png, .npy or .json (default samples.png)
  --steps N          inference steps (default: the model's)
  --method M         sequential | token | block (default: the model's)
  --window L         draft window, 1..32
  --draft TYPE       free | frozen-target
  --seed S           integer seed (default: the server draws one and reports it)
  --stream           print one line per round (Server-Sent Events); writes JSON
  --url URL          server (default $SAMPLER_URL or http://localhost:8787)
  --token T          bearer token (default $API_TOKEN)`;

const FORMATS = { ".png": "png", ".npy": "npy", ".json": "json" } as const;

const int = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`--${name} must be an integer, got ${v}`);
  return n;
};

export const parseSampleArgs = (argv: string[], env: NodeJS.ProcessEnv = process.env): SampleArgs => {
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
      stream: { type: "boolean", default: false },
      url: { type: "string" },
      token: { type: "string" },
    },
  });
  const ext = Object.keys(FORMATS).find((e) => v.out.toLowerCase().endsWith(e)) as keyof typeof FORMATS | undefined;
  if (!ext) throw new Error(`--out must end in .png, .npy or .json, got ${v.out}`);
  const format = v.stream ? "json" : FORMATS[ext];
  const window = int(v.window, "window");
  const draft = window !== undefined || v.draft ? { window, type: v.draft } : undefined;
  const body = {
    model: v.model,
    num_samples: int(v.n, "n"),
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
