// The conditional digits pipeline's four ONNX files (models/digits-cond/, train/cond_export.py) under
// onnxruntime-node, directly and through the reference provider: PyTorch's reference outputs
// reproduced; the class-label path bit-identical to the prompt path (encoder embedding) for all 11
// classes; every phrasing mapped to its class and anything else to the null class; rows independent.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { loadOnnxModel, type TensorModel } from "../../tools/provider/onnx-generic.ts";
import { PIPELINES, stagePath } from "../../tools/provider/pipelines.ts";
import { startProvider, type Provider } from "../../tools/provider/server.ts";

const dir = (f: string) => fileURLToPath(new URL(`../../models/digits-cond/${f}`, import.meta.url));
const FILES = ["encoder.onnx", "denoiser.onnx", "denoiser-labels.onnx", "decoder.onnx"] as const;
const present = FILES.every((f) => existsSync(dir(f)));
const NULL = 10;
const E = 32;
const ROW = 32; // latent [2, 4, 4]
// |onnxruntime - PyTorch| allowed on the float outputs; the encoder is a table lookup and must match exactly.
const TOLERANCE = 1e-4;

interface RefTensor { name: string; datatype: string; shape: number[]; data: (number | string)[] }
interface Reference { models: Record<string, { file: string; classes?: number[]; inputs: RefTensor[]; outputs: RefTensor[] }>; latent_scale: number; latent_shift: number }

const toOrt = (t: RefTensor): Tensor => {
  switch (t.datatype) {
    case "BYTES": return new Tensor("string", t.data as string[], t.shape);
    case "INT64": return new Tensor("int64", BigInt64Array.from(t.data as number[], (v) => BigInt(v)), t.shape);
    default: return new Tensor("float32", Float32Array.from(t.data as number[]), t.shape);
  }
};

describe("models/digits-cond under onnxruntime-node", { skip: present ? false : "models/digits-cond is absent" }, () => {
  const s: Record<string, InferenceSession> = {};
  let ref: Reference;
  let prompts: { null_class: number; classes: Record<string, string[]> };
  before(async () => {
    for (const f of FILES) s[f] = await InferenceSession.create(dir(f), { intraOpNumThreads: 1, interOpNumThreads: 1, executionProviders: ["cpu"] });
    ref = JSON.parse(readFileSync(dir("reference.json"), "utf8")) as Reference;
    prompts = JSON.parse(readFileSync(dir("prompts.json"), "utf8"));
  });
  after(async () => {
    for (const x of Object.values(s)) await x.release();
  });

  const encode = async (texts: string[]): Promise<Float32Array> => {
    const out = await s["encoder.onnx"].run({ prompt: new Tensor("string", texts, [texts.length]) });
    assert.deepEqual(out.prompt_embeds.dims, [texts.length, 1, E]);
    return out.prompt_embeds.data as Float32Array;
  };
  const velocityFromEmbeds = async (x: Float32Array, t: Float32Array, ehs: Float32Array) => {
    const n = t.length;
    const out = await s["denoiser.onnx"].run({
      sample: new Tensor("float32", x, [n, 2, 4, 4]), timestep: new Tensor("float32", t, [n]), encoder_hidden_states: new Tensor("float32", ehs, [n, 1, E]),
    });
    return out.velocity.data as Float32Array;
  };
  const velocityFromLabels = async (x: Float32Array, t: Float32Array, labels: number[]) => {
    const n = t.length;
    const out = await s["denoiser-labels.onnx"].run({
      sample: new Tensor("float32", x, [n, 2, 4, 4]), timestep: new Tensor("float32", t, [n]),
      class_labels: new Tensor("int64", BigInt64Array.from(labels, (v) => BigInt(v)), [n]),
    });
    return out.velocity.data as Float32Array;
  };

  test("interfaces: tensor names, types and shapes as the model card states", () => {
    const io = (f: string) => ({
      inputs: s[f].inputMetadata.map((m) => (m.isTensor ? `${m.name}:${m.type}[${m.shape.join(",")}]` : m.name)),
      outputs: s[f].outputMetadata.map((m) => (m.isTensor ? `${m.name}:${m.type}[${m.shape.join(",")}]` : m.name)),
    });
    assert.deepEqual(io("encoder.onnx"), { inputs: ["prompt:string[n]"], outputs: [`prompt_embeds:float32[n,1,${E}]`] });
    assert.deepEqual(io("denoiser.onnx"), {
      inputs: ["sample:float32[batch,2,4,4]", "timestep:float32[batch]", `encoder_hidden_states:float32[batch,1,${E}]`],
      outputs: ["velocity:float32[batch,2,4,4]"],
    });
    assert.deepEqual(io("denoiser-labels.onnx"), {
      inputs: ["sample:float32[batch,2,4,4]", "timestep:float32[batch]", "class_labels:int64[batch]"],
      outputs: ["velocity:float32[batch,2,4,4]"],
    });
    assert.deepEqual(io("decoder.onnx"), { inputs: ["latent:float32[batch,2,4,4]"], outputs: ["image:float32[batch,1,8,8]"] });
  });

  test(`reference outputs recorded from PyTorch are reproduced (encoder exactly, the rest within ${TOLERANCE})`, async () => {
    for (const [key, m] of Object.entries(ref.models)) {
      const feeds = Object.fromEntries(m.inputs.map((t) => [t.name, toOrt(t)]));
      const out = await s[m.file].run(feeds);
      for (const want of m.outputs) {
        const got = out[want.name];
        assert.deepEqual(got.dims, want.shape, `${key} ${want.name} shape`);
        const values = Array.from(got.data as Float32Array);
        if (key === "encoder") {
          assert.deepEqual(values, want.data, "encoder output");
          continue;
        }
        const err = values.reduce((e, v, i) => Math.max(e, Math.abs(v - (want.data[i] as number))), 0);
        assert.ok(err <= TOLERANCE, `${key}: max |onnxruntime - PyTorch| = ${err}`);
      }
    }
  });

  test("encoder: every phrasing (any letter case) gives its class's embedding; anything else the null class's", async () => {
    // The class-embedding rows, as PyTorch recorded them in the denoiser's reference input.
    const d = ref.models.denoiser;
    const ehs = d.inputs.find((t) => t.name === "encoder_hidden_states") as RefTensor;
    const rowOf = new Map((d.classes as number[]).map((k, i) => [k, ehs.data.slice(i * E, (i + 1) * E) as number[]]));
    const table = await encode([..."0123456789"].concat([""]));
    const row = (k: number) => Array.from(table.subarray(k * E, (k + 1) * E));
    for (const [k, r] of rowOf) assert.deepEqual(row(k), r, `class ${k} row differs from PyTorch's table`);
    for (let a = 0; a <= NULL; a++) for (let b = 0; b < a; b++) assert.notDeepEqual(row(a), row(b));

    assert.equal(prompts.null_class, NULL);
    const texts: string[] = [];
    const want: number[] = [];
    for (const [k, list] of Object.entries(prompts.classes)) {
      assert.ok(list.length >= 20, `class ${k} has ${list.length} phrasings`);
      for (const p of list) {
        for (const v of [p, p.toUpperCase(), p[0].toUpperCase() + p.slice(1)]) {
          texts.push(v);
          want.push(Number(k));
        }
      }
    }
    for (const p of ["7", "seven", "a handwritten 7", "a handwritten seven", "the digit 7", "digit 7", "number 7", "a 7", "an eight", "Eight"]) {
      assert.ok(Object.values(prompts.classes).flat().includes(p.toLowerCase()), `"${p}" is not a phrasing`);
    }
    const unknown = ["", " ", "a cat", "seventy", "77", " 7", "7 ", "7.", "digit", "the digit", "a handwritten", "sept", "a photograph of a dog", "zéro", "null"];
    texts.push(...unknown);
    want.push(...unknown.map(() => NULL));
    const got = await encode(texts);
    want.forEach((k, i) => assert.deepEqual(Array.from(got.subarray(i * E, (i + 1) * E)), row(k), `"${texts[i]}" should map to class ${k}`));
  });

  test("the class-label path is bit-identical to the prompt path for all 11 classes (and rows are independent)", async () => {
    const sigmas = [1, 0.999, 0.8, 0.5, 0.2, 0.01, 0.001];
    const labels: number[] = [];
    const t: number[] = [];
    for (let k = 0; k <= NULL; k++) for (const sg of sigmas) {
      labels.push(k);
      t.push(sg * 1000);
    }
    const n = labels.length;
    const x = Float32Array.from({ length: n * ROW }, (_, i) => 1.7 * Math.sin(0.61 * i + 0.3) * Math.cos(0.013 * i));
    const ts = Float32Array.from(t);
    const names = labels.map((k) => (k === NULL ? "" : k % 2 === 0 ? String(k) : `a handwritten ${["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"][k]}`));
    const ehs = await encode(names);
    const viaPrompt = await velocityFromEmbeds(x, ts, ehs);
    const viaLabel = await velocityFromLabels(x, ts, labels);
    assert.equal(viaPrompt.length, n * ROW);
    assert.ok(Buffer.from(viaPrompt.buffer, viaPrompt.byteOffset, viaPrompt.byteLength).equals(Buffer.from(viaLabel.buffer, viaLabel.byteOffset, viaLabel.byteLength)),
      "denoiser.onnx(encoder(prompt)) and denoiser-labels.onnx(label) differ");
    // Classes change the output (guidance has something to amplify).
    assert.notDeepEqual(viaLabel.subarray(3 * ROW, 4 * ROW), viaLabel.subarray((sigmas.length + 3) * ROW, (sigmas.length + 4) * ROW));
    // Each row alone gives the same bits as inside the batch.
    for (const r of [0, 17, n - 1]) {
      const one = await velocityFromLabels(x.slice(r * ROW, (r + 1) * ROW), ts.slice(r, r + 1), [labels[r]]);
      assert.deepEqual(one, viaLabel.slice(r * ROW, (r + 1) * ROW), `row ${r} alone`);
      const oneP = await velocityFromEmbeds(x.slice(r * ROW, (r + 1) * ROW), ts.slice(r, r + 1), ehs.slice(r * E, (r + 1) * E));
      assert.deepEqual(oneP, viaPrompt.slice(r * ROW, (r + 1) * ROW), `row ${r} alone (prompt path)`);
    }
  });

  test("decoder: images in [0, 1], one per latent row", async () => {
    const n = 16;
    const latent = Float32Array.from({ length: n * ROW }, (_, i) => 3 * Math.sin(1.3 * i));
    const out = await s["decoder.onnx"].run({ latent: new Tensor("float32", latent, [n, 2, 4, 4]) });
    assert.deepEqual(out.image.dims, [n, 1, 8, 8]);
    const img = out.image.data as Float32Array;
    assert.ok(img.every((v) => v >= 0 && v <= 1));
    assert.ok(Number.isFinite(ref.latent_scale) && ref.latent_scale > 0);
  });
});

describe("models/digits-cond through the reference provider (--pipeline digits-cond)", { skip: present ? false : "models/digits-cond is absent" }, () => {
  let p: Provider;
  const served: TensorModel[] = [];
  before(async () => {
    for (const stage of PIPELINES["digits-cond"]) served.push(await loadOnnxModel(stage.model, stagePath(stage)));
    p = await startProvider({ models: [], served });
  });
  after(async () => {
    await p?.close();
    for (const m of served) await m.release();
  });

  const call = async (model: string, inputs: { name: string; datatype: string; shape: number[]; data?: unknown[]; bytes?: Uint8Array }[]) => {
    const blobs = inputs.filter((t) => t.bytes).map((t) => t.bytes as Uint8Array);
    const header = Buffer.from(JSON.stringify({
      inputs: inputs.map(({ bytes, ...t }) => (bytes ? { ...t, parameters: { binary_data_size: bytes.byteLength } } : t)),
      parameters: { binary_data_output: true },
    }));
    const res = await fetch(`${p.url}/v2/models/${model}/infer`, {
      method: "POST", headers: { "inference-header-content-length": String(header.byteLength) }, body: Buffer.concat([header, ...blobs]),
    });
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(res.status, 200, body.toString());
    const n = Number(res.headers.get("inference-header-content-length"));
    const json = JSON.parse(body.subarray(0, n).toString()) as { outputs: { name: string; datatype: string; shape: number[] }[] };
    assert.equal(json.outputs.length, 1);
    return { ...json.outputs[0], values: new Float32Array(body.subarray(n).buffer.slice(body.byteOffset + n, body.byteOffset + body.byteLength)) };
  };
  const bytesTensor = (texts: string[]) => Buffer.concat(texts.flatMap((s) => {
    const b = Buffer.from(s, "utf8");
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.byteLength);
    return [len, b];
  }));

  test("metadata of the four stages (what the Worker checks)", async () => {
    const meta = async (m: string) => (await (await fetch(`${p.url}/v2/models/${m}`)).json()) as { inputs: unknown; outputs: unknown };
    assert.deepEqual(await meta("digits-cond-encoder"), {
      name: "digits-cond-encoder", versions: ["1"], platform: "onnxruntime_onnx",
      inputs: [{ name: "prompt", datatype: "BYTES", shape: [-1] }], outputs: [{ name: "prompt_embeds", datatype: "FP32", shape: [-1, 1, E] }],
    });
    assert.deepEqual((await meta("digits-cond-denoiser")).inputs, [
      { name: "sample", datatype: "FP32", shape: [-1, 2, 4, 4] }, { name: "timestep", datatype: "FP32", shape: [-1] },
      { name: "encoder_hidden_states", datatype: "FP32", shape: [-1, 1, E] },
    ]);
    assert.deepEqual((await meta("digits-cond-denoiser-labels")).inputs, [
      { name: "sample", datatype: "FP32", shape: [-1, 2, 4, 4] }, { name: "timestep", datatype: "FP32", shape: [-1] },
      { name: "class_labels", datatype: "INT64", shape: [-1] },
    ]);
    assert.deepEqual((await meta("digits-cond-decoder")).outputs, [{ name: "image", datatype: "FP32", shape: [-1, 1, 8, 8] }]);
  });

  test("BYTES prompts -> embeddings -> velocity over the wire equals the label path's, bit for bit", async () => {
    const texts = ["Seven", "", "a handwritten 3", "0", "the digit nine"];
    const labels = [7, NULL, 3, 0, 9];
    const emb = await call("digits-cond-encoder", [{ name: "prompt", datatype: "BYTES", shape: [texts.length], bytes: bytesTensor(texts) }]);
    assert.deepEqual(emb.shape, [texts.length, 1, E]);
    const n = texts.length;
    const x = Float32Array.from({ length: n * ROW }, (_, i) => Math.sin(0.77 * i));
    const t = Float32Array.from({ length: n }, (_, r) => 1000 - 190 * r);
    const common = [
      { name: "sample", datatype: "FP32", shape: [n, 2, 4, 4], bytes: new Uint8Array(x.buffer) },
      { name: "timestep", datatype: "FP32", shape: [n], bytes: new Uint8Array(t.buffer) },
    ];
    const a = await call("digits-cond-denoiser", [...common, { name: "encoder_hidden_states", datatype: "FP32", shape: [n, 1, E], bytes: new Uint8Array(emb.values.buffer) }]);
    const b = await call("digits-cond-denoiser-labels", [...common, { name: "class_labels", datatype: "INT64", shape: [n], data: labels }]);
    assert.equal(a.values.length, n * ROW);
    assert.deepEqual(a.values, b.values);
    const img = await call("digits-cond-decoder", [{ name: "latent", datatype: "FP32", shape: [n, 2, 4, 4], bytes: new Uint8Array(x.buffer) }]);
    assert.deepEqual(img.shape, [n, 1, 8, 8]);
  });

  test("a class label outside the table is a 400 naming the model", async () => {
    const res = await fetch(`${p.url}/v2/models/digits-cond-denoiser-labels/infer`, {
      method: "POST",
      body: JSON.stringify({ inputs: [
        { name: "sample", datatype: "FP32", shape: [1, 2, 4, 4], data: new Array(ROW).fill(0) },
        { name: "timestep", datatype: "FP32", shape: [1], data: [500] },
        { name: "class_labels", datatype: "INT64", shape: [1], data: [11] },
      ] }),
    });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: string }).error, /model digits-cond-denoiser-labels refused the inputs/);
  });
});
