// A request's conditioning, checked against its model's pipeline: which class or prompt each chain is
// conditioned on, the guidance scale and where it is applied, and whether the answer is decoded.
// Fields a model cannot use are refused naming the field and the model.
import type { PipelineConfig } from "../config/index.ts";
import { rowsPerEvaluation } from "../denoisers/conditioned.ts";
import { InvalidRequestError } from "../errors.ts";
import type { ResolvedModel } from "./model.ts";
import type { SampleRequest } from "./schemas/index.ts";

export interface ConditioningPlan {
  /** What chains are conditioned on; "none" for an unconditional model. */
  kind: "none" | "class_labels" | "prompt";
  /** class_labels: each chain's class id (the null class where the request named none), and the null class. */
  classLabels?: Int32Array;
  nullClass?: number;
  /** prompt: each chain's prompt and negative prompt. */
  prompts?: string[];
  negatives?: string[];
  /** The guidance scale w and where guidance happens. */
  scale: number;
  mode: "rows" | "provider";
  /** Model rows per sampler row: 2 when guidance doubles them in the Worker. */
  rowsPerEvaluation: 1 | 2;
  /** The answer holds decoded images (the model has a decoder and the request did not say decode: false). */
  decode: boolean;
}

const UNCONDITIONAL: ConditioningPlan = { kind: "none", scale: 1, mode: "rows", rowsPerEvaluation: 1, decode: false };

/** One value per chain from a scalar or a per-sample array; an array must have num_samples entries. */
const perChain = <T>(v: T | T[], n: number, field: string): T[] => {
  if (!Array.isArray(v)) return new Array<T>(n).fill(v);
  if (v.length !== n) throw new InvalidRequestError(field, `${field} has ${v.length} entries; give one value, or one per sample (num_samples = ${n})`);
  return v;
};

/** Throws InvalidRequestError naming the field for anything the model cannot use. */
export const planConditioning = (req: SampleRequest, model: ResolvedModel): ConditioningPlan => {
  const pipeline = model.config?.pipeline;
  const name = `model "${model.id}"`;
  const refuse = (field: string, why: string) => new InvalidRequestError(field, `${name} ${why}`);
  const conditioning = pipeline?.conditioning;
  if (!pipeline || !conditioning) {
    for (const field of ["class_labels", "prompt", "negative_prompt", "guidance_scale"] as const) {
      if (req[field] !== undefined) throw refuse(field, `is unconditional: it takes no ${field}`);
    }
    if (req.decode === true && !pipeline?.decoder) throw refuse("decode", "has no decoder: its samples are its output");
    return { ...UNCONDITIONAL, decode: pipeline?.decoder !== undefined && req.decode !== false };
  }
  const n = req.num_samples;
  const decode = decoding(req, pipeline, refuse);
  const conditioned = req.class_labels !== undefined || req.prompt !== undefined;
  if (req.guidance_scale !== undefined && !conditioned) {
    throw new InvalidRequestError("guidance_scale", `guidance needs a condition: give ${conditioning.kind === "prompt" ? "prompt" : "class_labels"} (${name} samples unconditionally without one)`);
  }
  // Without a condition a chain samples the unconditional model: guidance would combine it with itself.
  const scale = conditioned ? (req.guidance_scale ?? pipeline.guidance.defaultScale) : 1;
  const guidance = { scale, mode: pipeline.guidance.mode, rowsPerEvaluation: rowsPerEvaluation({ scale, mode: pipeline.guidance.mode }), decode };
  if (conditioning.kind === "class_labels") {
    if (req.prompt !== undefined) throw refuse("prompt", `is conditioned on class labels and has no prompt encoder: give class_labels (0..${conditioning.numClasses - 1})`);
    if (req.negative_prompt !== undefined) throw refuse("negative_prompt", `is conditioned on class labels: its unconditional side is the null class ${conditioning.nullClass}`);
    const labels = req.class_labels === undefined ? new Array<number>(n).fill(conditioning.nullClass) : perChain(req.class_labels, n, "class_labels");
    labels.forEach((k, i) => {
      if (k >= conditioning.numClasses && k !== conditioning.nullClass) {
        const at = Array.isArray(req.class_labels) ? `class_labels[${i}]` : "class_labels";
        throw new InvalidRequestError(at, `class ${k} is not one of ${name}'s classes 0..${conditioning.numClasses - 1} (or its null class ${conditioning.nullClass})`);
      }
    });
    return { kind: "class_labels", classLabels: Int32Array.from(labels), nullClass: conditioning.nullClass, ...guidance };
  }
  if (req.class_labels !== undefined) throw refuse("class_labels", "is conditioned on prompts: give prompt");
  if (req.negative_prompt !== undefined && req.prompt === undefined) throw new InvalidRequestError("negative_prompt", "negative_prompt needs prompt");
  if (req.negative_prompt !== undefined && pipeline.guidance.mode === "provider" && !pipeline.guidance.negativeInput) {
    throw refuse("negative_prompt", "applies guidance itself and takes no negative prompt");
  }
  return {
    kind: "prompt",
    prompts: req.prompt === undefined ? new Array<string>(n).fill("") : perChain(req.prompt, n, "prompt"),
    negatives: req.negative_prompt === undefined ? new Array<string>(n).fill("") : perChain(req.negative_prompt, n, "negative_prompt"),
    ...guidance,
  };
};

const decoding = (req: SampleRequest, p: PipelineConfig, refuse: (f: string, why: string) => Error): boolean => {
  if (req.decode === true && !p.decoder) throw refuse("decode", "has no decoder: its samples are its output");
  return p.decoder !== undefined && req.decode !== false;
};

/** Distinct prompts the encoder is asked for (prompts, then negative prompts when guidance reads them). */
export const promptsToEncode = (c: ConditioningPlan, negativesRead: boolean): string[] =>
  c.kind !== "prompt" ? [] : [...new Set([...c.prompts!, ...(negativesRead ? c.negatives! : [])])];
