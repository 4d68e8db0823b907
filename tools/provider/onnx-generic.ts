// Any ONNX file served by the reference provider as a generic OIP v2 model: input and output names,
// datatypes and shapes come from the onnxruntime session itself (FP32, FP16, FP64, the integer types,
// BOOL and BYTES = ONNX string tensors), so one loader serves the digits denoiser, a text encoder
// taking strings, a class-label denoiser taking INT64 and a latent decoder alike.
//
// The request is checked against the session before onnxruntime sees it: every declared input present
// and no other, the declared datatype, the declared rank, fixed dims equal, and dims that share a
// symbol in the model (e.g. "batch") equal across inputs; each violation is a 400 naming the input.
import { InferenceSession, Tensor } from "onnxruntime-node";
import { toFp16Bytes } from "../../src/denoisers/oip/fp16.ts";
import { ProtocolError } from "./codec.ts";
import type { ModelMetadata } from "./models.ts";
import { TensorError, elementCount, oipDatatypeOf, ortTypeOf, type OipDatatype, type TensorValues, type WireTensor } from "./tensors.ts";

/** A declared tensor: its OIP datatype and the session's dims (a number when fixed, else the symbol). */
export interface DeclaredTensor {
  readonly name: string;
  readonly datatype: OipDatatype;
  readonly dims: readonly (number | string)[];
}

/** A model the server evaluates on whole named tensors (rather than on rows of one sample tensor). */
export interface TensorModel {
  readonly kind: "tensors";
  readonly name: string;
  readonly inputs: readonly DeclaredTensor[];
  readonly outputs: readonly DeclaredTensor[];
  /** GET /v2/models/{name}: shapes with -1 for every dynamic dim. */
  readonly metadata: ModelMetadata;
  /** Runs checked inputs (checkInputs) and returns the named outputs, in that order. */
  infer(inputs: ReadonlyMap<string, WireTensor>, outputs: readonly string[]): Promise<WireTensor[]>;
  release(): Promise<void>;
}

export interface OnnxSessionOptions {
  /** onnxruntime intra-op threads (default 1). */
  readonly threads?: number;
}

/** Error thrown when onnxruntime refuses a request that passed the checks (e.g. a class label out of the table). */
export class ModelRunError extends ProtocolError {}

/** Loads `path` and serves it as `name`. Throws naming the tensor when a type has no OIP datatype. */
export async function loadOnnxModel(name: string, path: string, options: OnnxSessionOptions = {}): Promise<TensorModel> {
  const session = await InferenceSession.create(path, {
    intraOpNumThreads: options.threads ?? 1,
    interOpNumThreads: 1,
    executionProviders: ["cpu"],
  });
  const declare = (list: readonly InferenceSession.ValueMetadata[], kind: string): DeclaredTensor[] =>
    list.map((m) => {
      if (!m.isTensor) throw new TypeError(`${path}: ${kind} "${m.name}" is not a tensor`);
      const datatype = oipDatatypeOf(m.type);
      if (!datatype) throw new TypeError(`${path}: ${kind} "${m.name}" has type ${m.type}, which OIP v2 cannot carry`);
      // A dim is fixed when the model gives a positive number; anything else (a symbol, -1, unknown) is dynamic.
      const dims = m.shape.map((d, i) => (typeof d === "number" && d > 0 ? d : typeof d === "string" && d !== "" ? d : `${m.name}:${i}`));
      return { name: m.name, datatype, dims };
    });
  const inputs = declare(session.inputMetadata, "input");
  const outputs = declare(session.outputMetadata, "output");
  const shapeOf = (t: DeclaredTensor) => t.dims.map((d) => (typeof d === "number" ? d : -1));
  const metadata: ModelMetadata = {
    name,
    versions: ["1"],
    platform: "onnxruntime_onnx",
    inputs: inputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: shapeOf(t) })),
    outputs: outputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: shapeOf(t) })),
  };
  return {
    kind: "tensors",
    name,
    inputs,
    outputs,
    metadata,
    async infer(given, wanted) {
      const feeds: Record<string, Tensor> = {};
      for (const t of inputs) {
        const w = given.get(t.name) as WireTensor;
        feeds[t.name] = new Tensor(ortTypeOf(t.datatype) as "float32", w.values as Float32Array, w.shape);
      }
      let result: InferenceSession.ReturnType;
      try {
        result = await session.run(feeds, [...wanted]);
      } catch (e) {
        throw new ModelRunError(`model ${name} refused the inputs: ${(e as Error).message.split("\n")[0]}`);
      }
      return wanted.map((n) => {
        const out = result[n];
        const datatype = oipDatatypeOf(out.type);
        if (!datatype) throw new Error(`output ${n} has type ${out.type}, which OIP v2 cannot carry`);
        let values = (out.type === "string" ? [...(out.data as string[])] : out.data) as TensorValues;
        // Where the runtime hands FP16 out as numbers (a Float16Array), keep the raw-bits convention.
        if (datatype === "FP16" && !(values instanceof Uint16Array)) values = new Uint16Array(toFp16Bytes(Float32Array.from(values as Float32Array)).buffer);
        return { name: n, datatype, shape: [...out.dims], values };
      });
    },
    release: () => session.release(),
  };
}

/**
 * Checks request tensors against the declared inputs; throws a TensorError (400) naming every kind of
 * mistake: a missing or unknown input, another datatype, another rank, a fixed dim that differs, or
 * two dims of one symbol that differ (e.g. "batch" 3 in one input and 4 in another).
 */
export function checkInputs(model: Pick<TensorModel, "name" | "inputs">, given: readonly { name: string; datatype: string; shape: readonly number[] }[]): void {
  const declared = new Map(model.inputs.map((t) => [t.name, t]));
  const names = model.inputs.map((t) => t.name).join(", ");
  const seen = new Set<string>();
  for (const g of given) {
    if (!declared.has(g.name)) throw new TensorError(`unknown input ${g.name}: model ${model.name} takes ${names}`);
    if (seen.has(g.name)) throw new TensorError(`input ${g.name} is given twice`);
    seen.add(g.name);
  }
  const missing = model.inputs.filter((t) => !seen.has(t.name)).map((t) => t.name);
  if (missing.length > 0) throw new TensorError(`missing input${missing.length > 1 ? "s" : ""} ${missing.join(", ")}: model ${model.name} takes ${names}`);
  const symbols = new Map<string, { size: number; where: string }>();
  for (const g of given) {
    const t = declared.get(g.name) as DeclaredTensor;
    const want = `[${t.dims.map((d) => (typeof d === "number" ? d : -1)).join(", ")}]`;
    if (g.datatype !== t.datatype) throw new TensorError(`input ${g.name} must be ${t.datatype}, got ${g.datatype}`);
    if (g.shape.length !== t.dims.length) throw new TensorError(`input ${g.name} has shape [${g.shape.join(", ")}], expected ${want} (rank ${t.dims.length})`);
    t.dims.forEach((d, i) => {
      const n = g.shape[i];
      if (typeof d === "number" && n !== d) throw new TensorError(`input ${g.name} has shape [${g.shape.join(", ")}], expected ${want}`);
      if (typeof d === "string") {
        if (n < 1) throw new TensorError(`input ${g.name} has shape [${g.shape.join(", ")}]: dim ${i} must be at least 1`);
        const prior = symbols.get(d);
        if (prior && prior.size !== n) throw new TensorError(`input ${g.name} dim ${i} is ${n} but ${prior.where} is ${prior.size}: the model ties both to "${d}"`);
        if (!prior) symbols.set(d, { size: n, where: `input ${g.name} dim ${i}` });
      }
    });
  }
}

/** Number of rows of a request for the provider's counters: the first dim of the first declared input. */
export const rowsOf = (model: TensorModel, given: ReadonlyMap<string, WireTensor>): number =>
  given.get(model.inputs[0]?.name ?? "")?.shape[0] ?? 0;

export { elementCount };
