// The body of POST /v1/samples. The same schemas validate requests and generate /openapi.json.
import { z } from "@hono/zod-openapi";
import { DRAFT_TYPES, FREEZES, MAX_WINDOW, METHODS } from "../../sampler/options.ts";
import { MAX_TRAIN_TIMESTEPS } from "../../sampler/scheduler/config.ts";
import { BETA_SCHEDULES, PREDICTION_TYPES, SCHEDULER_KINDS, TIMESTEP_SPACINGS, VARIANCE_TYPES } from "../../sampler/scheduler/types.ts";
import { MAX_NUM_SAMPLES } from "../limits.ts";

/** Longer than any configured id (at most 64 characters): a longer string is refused before it is looked up or echoed. */
export const MAX_MODEL_ID_CHARS = 256;

/** Seeds are integers a double holds exactly, so every client language can echo them. */
export const MAX_SEED = 2 ** 53 - 1;

export const InlineMixtureSchema = z
  .strictObject({
    type: z.literal("gmm"),
    means: z.array(z.array(z.number())).min(1).openapi({ description: "K mean vectors of equal length d" }),
    weights: z.array(z.number().positive()).optional().openapi({ description: "K positive weights (normalised); uniform when absent" }),
    std: z.number().positive().optional().openapi({ description: "per-coordinate standard deviation s of every component; give this or `stds`" }),
    stds: z.array(z.number().positive()).min(1).optional().openapi({ description: "K per-coordinate standard deviations, one per component, in place of `std`" }),
    shape: z.array(z.int().positive()).min(1).optional().openapi({ description: "sample shape, product d; [d] when absent" }),
  })
  .openapi("InlineMixture", { example: { type: "gmm", means: [[-2, 0], [2, 0]], weights: [1, 3], std: 0.5 } });

export const LatencySchema = z
  .strictObject({
    rtt_ms: z.number().min(0).max(60000).openapi({ description: "round trip to the provider" }),
    c0_ms: z.number().min(0).max(60000).openapi({ description: "the provider's fixed cost per call" }),
    c1_ms: z.number().min(0).max(60000).openapi({ description: "the provider's cost per row (one state evaluated)" }),
  })
  .openapi("Latency", { description: "a call of r rows costs rtt_ms + c0_ms + c1_ms r" });

export const DraftSchema = z
  .strictObject({
    type: z.enum(DRAFT_TYPES).optional().openapi({ description: "free: self-speculative, no extra call; frozen-target: one extra call per round" }),
    window: z
      .union([z.int().min(1).max(MAX_WINDOW), z.literal("auto")])
      .optional()
      .openapi({ description: `steps drafted per round, 1..${MAX_WINDOW}; "auto": each round picks 0..${MAX_WINDOW} for the least expected wall-clock per step, from the chain's acceptance so far and \`latency\`` }),
    latency: z
      .union([LatencySchema, z.literal("measured")])
      .optional()
      .openapi({
        description: 'window "auto" only: the provider\'s call cost (default: 25 ms RTT and a small GPU model\'s curve for remote models, the analytic model\'s CPU cost for built-in ones; replays are bit-identical), or "measured": fitted from this request\'s own call times (samples then depend on those times, exact in distribution but not bit-reproducible)',
      }),
    freeze: z.enum(FREEZES).optional().openapi({ description: "what the draft holds fixed: eps, x0, or gaussian (x0 moved with the drafted state by a local Gaussian fit of the last evaluations; the default)" }),
    bonus: z.boolean().optional().openapi({ description: "evaluate the last drafted state too, for one more step when all drafts pass" }),
    adaptive: z.boolean().optional().openapi({ description: "choose each round's window (up to `window`) from the chain's past acceptance" }),
  })
  .openapi("Draft");

// A diffusers scheduler_config.json can be pasted as is: the keys the scheduler parser reads
// (SCHEDULER_CONFIG_KEYS) are kept and checked (unsupported values answer 422 naming scheduler.<key>);
// every other key is dropped here, so nothing the sampler never reads is carried past validation.
export const SchedulerOverridesSchema = z
  .object({
    type: z.enum(SCHEDULER_KINDS).optional().openapi({ description: "sampler family; default from the model's _class_name" }),
    eta: z.number().min(0).max(1).optional().openapi({ description: "DDIM noise scale (default 1: stochastic; 0 is deterministic, sequential only)" }),
    noise_level: z.number().gt(0).max(2).optional().openapi({ description: "flow matching: noise level a of the SDE sampler (mean x + dt (v + a^2 / (2 (1 - s)) (x + (1 - s) v)), std a sqrt(s / (1 - s)) sqrt(s - s'))" }),
    sigmas: z.array(z.number().gt(0).max(1)).max(MAX_TRAIN_TIMESTEPS).optional().openapi({ description: "flow matching: custom sigmas, one per step, descending (diffusers set_timesteps(sigmas=...))" }),
    mu: z.number().optional().openapi({ description: "flow matching with use_dynamic_shifting: the shift's mu (default: from the sample's sequence length, as the SD3/Flux pipelines compute it)" }),
    num_train_timesteps: z.int().positive().optional(),
    beta_start: z.number().optional(),
    beta_end: z.number().optional(),
    beta_schedule: z.enum(BETA_SCHEDULES).optional(),
    timestep_spacing: z.enum(TIMESTEP_SPACINGS).optional(),
    steps_offset: z.int().min(0).optional(),
    prediction_type: z.enum(PREDICTION_TYPES).optional(),
    variance_type: z.enum(VARIANCE_TYPES).optional(),
    clip_sample: z.boolean().optional(),
    clip_sample_range: z.number().positive().optional(),
    set_alpha_to_one: z.boolean().optional(),
    _class_name: z.string().max(MAX_MODEL_ID_CHARS).nullable().optional().openapi({ description: "diffusers class: DDPMScheduler, DDIMScheduler, EulerAncestralDiscreteScheduler, EulerDiscreteScheduler (sequential only), FlowMatchEulerDiscreteScheduler; any other is refused" }),
    use_karras_sigmas: z.boolean().optional().openapi({ description: "Euler / flow matching: Karras et al. 2022 sigmas (rho = 7)" }),
    shift: z.number().positive().optional(),
    use_dynamic_shifting: z.boolean().optional(),
    base_shift: z.number().optional(),
    max_shift: z.number().optional(),
    base_image_seq_len: z.int().positive().optional(),
    max_image_seq_len: z.int().positive().optional(),
    shift_terminal: z.number().nullable().optional(),
    time_shift_type: z.enum(["exponential", "linear"]).optional(),
    use_exponential_sigmas: z.boolean().optional(),
    use_beta_sigmas: z.boolean().optional(),
    stochastic_sampling: z.boolean().optional().openapi({ description: "flow matching: x' = (1 - s') x0_hat + s' noise (diffusers)" }),
    invert_sigmas: z.boolean().optional().openapi({ description: "true is refused" }),
    trained_betas: z.array(z.number()).max(MAX_TRAIN_TIMESTEPS).nullable().optional(),
    thresholding: z.boolean().optional().openapi({ description: "true is refused (dynamic thresholding is not supported)" }),
    rescale_betas_zero_snr: z.boolean().optional().openapi({ description: "true is refused (alphas_cumprod would reach 0)" }),
  })
  .openapi("SchedulerOverrides", { description: "diffusers scheduler config keys overriding the model's (DDPM, DDIM, EulerAncestralDiscrete, EulerDiscrete, FlowMatchEulerDiscrete); keys the scheduler does not read are dropped" });

/** Longest prompt accepted (characters); encoders truncate far below this (CLIP: 77 tokens). */
export const MAX_PROMPT_CHARS = 4096;

const promptText = z.string().max(MAX_PROMPT_CHARS);
const oneOrPerSample = <T extends z.ZodType>(item: T, what: string) =>
  z.union([item, z.array(item).min(1).max(MAX_NUM_SAMPLES)]).openapi({ description: `${what}: one for every sample, or an array of num_samples, one per sample` });

export const ConditioningFields = {
  class_labels: oneOrPerSample(z.int().min(0), "class ids (class-conditional models, the DiT/ImageNet convention; the model's null class samples unconditionally)").optional(),
  prompt: oneOrPerSample(promptText, "text prompts (models with a prompt encoder)").optional(),
  negative_prompt: oneOrPerSample(promptText, "negative prompts: the unconditional side of guidance (default: the empty prompt)").optional(),
  guidance_scale: z.number().min(0).max(100).optional().openapi({ description: "classifier-free guidance w: output u + w (c - u); 1 is no guidance, 0 unconditional; default from the model. Rows sent to the model double when w is not 0 or 1" }),
  decode: z.boolean().optional().openapi({ description: "models with a decoder: answer decoded images (true, the default) or the latents the sampler drew (false, no decoder call)" }),
};

export const OUTPUTS = ["json", "npy", "png"] as const;
export type OutputFormat = (typeof OUTPUTS)[number];

export const SampleRequestSchema = z
  .strictObject({
    model: z.union([z.string().min(1).max(MAX_MODEL_ID_CHARS), InlineMixtureSchema]).openapi({ description: "a model id from GET /v1/models, or an inline mixture" }),
    num_samples: z.int().min(1).max(MAX_NUM_SAMPLES).default(1),
    steps: z.int().min(1).optional().openapi({ description: "inference steps N, 1..num_train_timesteps; default from the model" }),
    method: z.enum(METHODS).optional().openapi({ description: "default from the model" }),
    draft: DraftSchema.optional(),
    seed: z.int().min(0).max(MAX_SEED).optional().openapi({ description: "integer in [0, 2^53); generated when absent, always echoed" }),
    scheduler: SchedulerOverridesSchema.optional(),
    output: z.enum(OUTPUTS).optional().openapi({ description: "answer format; when absent, from the Accept header (image/png: png, application/x-npy: npy), else json. The body wins over Accept" }),
    stream: z.boolean().default(false).openapi({ description: "Server-Sent Events (also with Accept: text/event-stream); JSON output only" }),
    ...ConditioningFields,
  })
  .openapi("SampleRequest", { example: { model: "glyphs", num_samples: 4, steps: 50, method: "block", draft: { window: 8 }, seed: 7 } });

export type SampleRequest = z.infer<typeof SampleRequestSchema>;
