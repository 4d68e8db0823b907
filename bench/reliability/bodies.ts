// Request bodies the reliability campaign sends: the findings' requests of issue 10 (built from a
// recipe name, so that a child process can build a 10 MB body itself instead of receiving it), and
// small helpers shared by the sections.

export const SAMPLES_PATH = "/v1/samples";

/** The 100,000-step schedule of the findings (squaredcos keeps alphas_cumprod within f32 at 100,000). */
export const LONG_SCHEDULER = { beta_schedule: "squaredcos_cap_v2", num_train_timesteps: 100_000 } as const;

/** An inline mixture of `components` means of `dim` values each, shape [dim] unless given. */
export const inlineMixture = (components: number, dim: number, shape?: number[], value = (k: number, i: number) => Number((((k * 31 + i * 7) % 200) / 100 - 1).toFixed(2))) => ({
  type: "gmm",
  means: Array.from({ length: components }, (_, k) => Array.from({ length: dim }, (_, i) => value(k, i))),
  std: 0.3,
  ...(shape ? { shape } : {}),
});

/** A JSON text of nested arrays `depth` deep. */
export const nestedArrays = (depth: number): string => "[".repeat(depth) + "]".repeat(depth);

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Text or bytes; absent: no body. */
  body?: string | Uint8Array;
}

const post = (body: string, headers: Record<string, string> = {}): RawRequest => ({
  method: "POST",
  path: SAMPLES_PATH,
  headers: { "content-type": "application/json", ...headers },
  body,
});

// A JSON array text of `count` copies of `item`, built without an intermediate array of strings.
const repeatedArray = (item: string, count: number): string => `[${`${item},`.repeat(count - 1)}${item}]`;

/** Builds a finding's request by name; `args` carry what differs per run (remote model ids). */
export function findingRequest(recipe: string, args: Record<string, unknown> = {}): RawRequest {
  switch (recipe) {
    case "long-stream":
      return post(JSON.stringify({ model: "ring-2d", num_samples: 1, steps: 100_000, method: "sequential", scheduler: LONG_SCHEDULER, stream: true, seed: 1 }));
    case "long-json":
      return post(JSON.stringify({ model: "ring-2d", num_samples: 1, steps: 100_000, method: "sequential", scheduler: LONG_SCHEDULER, seed: 1 }));
    case "inline-4096-long-stream":
      return post(JSON.stringify({ model: inlineMixture(1, 4096), num_samples: 1, steps: 100_000, method: "sequential", scheduler: LONG_SCHEDULER, stream: true, seed: 1 }));
    case "glyphs-slow-reader":
      return post(JSON.stringify({ model: "glyphs", num_samples: 16, steps: 1000, method: "sequential", stream: true, seed: 1 }));
    case "nested-5mb-deep": {
      // 5 MB of nested arrays under an unknown key: deepest first (refused at depth 9).
      const half = (5 * 2 ** 20) / 2;
      return post(`{"model":"ring-2d","x":${nestedArrays(half)}}`);
    }
    case "nested-5mb-wide":
      // 5 MB of arrays nested two deep: [[],[],...] (depth within the limit, containers over it).
      return post(`{"model":"ring-2d","x":${repeatedArray("[[]]", Math.floor((5 * 2 ** 20) / 5))}}`);
    case "scheduler-10mb-array":
      return post(`{"model":"ring-2d","steps":10,"scheduler":{"trained_betas":${repeatedArray("0.0001", Math.ceil((10 * 2 ** 20) / 7))}}}`);
    case "scheduler-2mb-unknown-key":
      // Under body_bytes and body_numbers: an unread scheduler key of 1,100,000 numbers, parsed then dropped.
      return post(`{"model":"ring-2d","steps":10,"num_samples":4,"scheduler":{"unread_list":${repeatedArray("1", 1_100_000)}}}`);
    case "png-4096-of-3x1x1":
      return post(JSON.stringify({ model: { type: "gmm", means: [[0, 0.5, -0.5]], std: 0.3, shape: [3, 1, 1] }, num_samples: 4096, steps: 10, method: "sequential", output: "png", seed: 1 }));
    case "largest-inline-mixture":
      // MIXTURE_LIMITS.maxMeanValues = 1,048,576 means: 16 components of 65,536 values, each written "-0.12".
      return post(JSON.stringify({ model: inlineMixture(16, 65_536), num_samples: 1, steps: 10, method: "sequential", seed: 1 }));
    case "largest-inline-mixture-1024x1024":
      return post(JSON.stringify({ model: inlineMixture(1024, 1024), num_samples: 1, steps: 10, method: "sequential", seed: 1 }));
    case "largest-json-answer":
      // json_values = 262,144 values: 512 samples of gmm-512.
      return post(JSON.stringify({ model: "gmm-512", num_samples: 512, steps: 10, method: "sequential", seed: 1 }));
    case "train-20000-ring":
      return post(JSON.stringify({ model: "ring-2d", num_samples: 4, steps: 50, scheduler: { num_train_timesteps: 20_000 }, seed: 1 }));
    case "train-100000-glyphs":
      return post(JSON.stringify({ model: "glyphs", num_samples: 4, steps: 50, scheduler: { num_train_timesteps: 100_000 }, seed: 1 }));
    case "train-20000-cos-glyphs":
      return post(JSON.stringify({ model: "glyphs", num_samples: 4, steps: 50, scheduler: { beta_schedule: "squaredcos_cap_v2", num_train_timesteps: 20_000 }, seed: 1 }));
    case "train-100000-cos-gmm512":
      return post(JSON.stringify({ model: "gmm-512", num_samples: 4, steps: 50, scheduler: { beta_schedule: "squaredcos_cap_v2", num_train_timesteps: 100_000 }, seed: 1 }));
    case "model-id-10mb":
      return post(`{"model":"${"m".repeat(10 * 2 ** 20)}"}`);
    case "model-id-8mb":
      return post(`{"model":"${"m".repeat(8 * 2 ** 20)}"}`);
    case "wrong-method-get":
      return { method: "GET", path: SAMPLES_PATH, headers: {} };
    case "wrong-method-put":
      return { method: "PUT", path: SAMPLES_PATH, headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "ring-2d" }) };
    case "remote": {
      // A remote model (args.model) that fails: the provider's fault plan is set by the parent.
      return post(JSON.stringify({ model: args.model, num_samples: 8, steps: 20, method: "block", seed: 1, ...(args.stream ? { stream: true } : {}) }));
    }
    default:
      throw new Error(`unknown recipe ${recipe}`);
  }
}
