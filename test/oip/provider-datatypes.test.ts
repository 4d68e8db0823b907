// The reference provider serving ONNX files generically (tools/provider/onnx-generic.ts): names,
// datatypes and shapes from the session; FP32, FP16, FP64, INT32, INT64, BOOL, UINT8 and BYTES inputs
// in JSON `data` form and in the binary tensor extension (BYTES: 4-byte little-endian length, then the
// bytes of each element); metadata with -1 for dynamic dims; clear 400s for malformed requests.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { evaluateRows } from "../../src/denoisers/collect.ts";
import { oipDenoiser, parseOipConfig } from "../../src/denoisers/oip/index.ts";
import { fromFp16Bytes, toFp16Bytes } from "../../src/denoisers/oip/fp16.ts";
import { faultPlan } from "../../tools/provider/faults.ts";
import type { ModelMetadata } from "../../tools/provider/models.ts";
import { loadOnnxModel, type TensorModel } from "../../tools/provider/onnx-generic.ts";
import { startProvider, type Provider } from "../../tools/provider/server.ts";

const path = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const DTYPES = path("tools/provider/testdata/dtypes.onnx");
const DIGITS = path("models/digits/model.onnx");

interface Tensor {
  name: string;
  datatype: string;
  shape: number[];
  data?: unknown[];
  /** Raw little-endian bytes: sent in the binary extension instead of `data`. */
  bytes?: Uint8Array;
}

const u8 = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const bytesElements = (items: string[]) => {
  const parts = items.map((s) => new TextEncoder().encode(s));
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.byteLength, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const p of parts) {
    view.setUint32(at, p.byteLength, true);
    out.set(p, at + 4);
    at += 4 + p.byteLength;
  }
  return out;
};
const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
};

interface Answer {
  status: number;
  json: { outputs?: { name: string; datatype: string; shape: number[]; data?: unknown[]; parameters?: { binary_data_size?: number } }[]; error?: string };
  blobs: Map<string, Uint8Array>;
}

async function infer(url: string, model: string, inputs: Tensor[], outputs?: { name: string; binary?: boolean }[], binaryOutput = false): Promise<Answer> {
  const blobs = inputs.filter((t) => t.bytes).map((t) => t.bytes as Uint8Array);
  const header = new TextEncoder().encode(JSON.stringify({
    inputs: inputs.map(({ bytes, ...t }) => (bytes ? { ...t, parameters: { binary_data_size: bytes.byteLength } } : t)),
    ...(outputs ? { outputs: outputs.map((o) => ({ name: o.name, ...(o.binary === undefined ? {} : { parameters: { binary_data: o.binary } }) })) } : {}),
    ...(binaryOutput ? { parameters: { binary_data_output: true } } : {}),
  }));
  const res = await fetch(`${url}/v2/models/${model}/infer`, {
    method: "POST",
    headers: { "inference-header-content-length": String(header.byteLength), "content-type": "application/octet-stream" },
    body: concat([header, ...blobs]),
  });
  const body = new Uint8Array(await res.arrayBuffer());
  const n = Number(res.headers.get("inference-header-content-length") ?? body.byteLength);
  const json = JSON.parse(new TextDecoder().decode(body.subarray(0, n))) as Answer["json"];
  const out = new Map<string, Uint8Array>();
  let at = n;
  for (const o of json.outputs ?? []) {
    const size = o.parameters?.binary_data_size;
    if (size === undefined) continue;
    out.set(o.name, body.slice(at, at + size));
    at += size;
  }
  assert.equal(at, body.byteLength, "answer bytes beyond the declared outputs");
  return { status: res.status, json, blobs: out };
}

// Inputs for 2 rows of dtypes.onnx, in JSON form.
const jsonInputs = (): Tensor[] => [
  { name: "f32", datatype: "FP32", shape: [2, 3], data: [[0.5, -1, 3], [4, 5.25, -6]] },
  { name: "f16", datatype: "FP16", shape: [2, 3], data: [0.5, -1, 3, 4, 5.25, 0.1] },
  { name: "f64", datatype: "FP64", shape: [2], data: [0.1, -2.5] },
  { name: "i32", datatype: "INT32", shape: [2], data: [7, -2147483648] },
  { name: "i64", datatype: "INT64", shape: [2], data: [41, -9007199254740991] },
  { name: "flag", datatype: "BOOL", shape: [2], data: [true, 0] },
  { name: "u8", datatype: "UINT8", shape: [2, 2], data: [0, 255, 7, 8] },
  { name: "text", datatype: "BYTES", shape: [3], data: ["seven", "", "a handwritten 7 ✓"] },
];

const f16Round = (xs: number[]) => Array.from(fromFp16Bytes(toFp16Bytes(Float32Array.from(xs))));
const EXPECTED: Record<string, unknown[]> = {
  f32_out: [1, -2, 6, 8, 10.5, -12],
  f16_out: f16Round([1, -2, 6, 8, 10.5, 0.2]),
  f64_out: [-0.1, 2.5],
  i32_out: [8, -2147483647],
  i64_out: [42, -9007199254740990],
  flag_out: [false, true],
  u8_out: [0, 255, 7, 8],
  text_out: ["SEVEN", "", "A HANDWRITTEN 7 ✓"],
};

// The same inputs in the binary extension.
const binaryInputs = (): Tensor[] => [
  { name: "f32", datatype: "FP32", shape: [2, 3], bytes: u8(Float32Array.of(0.5, -1, 3, 4, 5.25, -6)) },
  { name: "f16", datatype: "FP16", shape: [2, 3], bytes: toFp16Bytes(Float32Array.of(0.5, -1, 3, 4, 5.25, 0.1)) },
  { name: "f64", datatype: "FP64", shape: [2], bytes: u8(Float64Array.of(0.1, -2.5)) },
  { name: "i32", datatype: "INT32", shape: [2], bytes: u8(Int32Array.of(7, -2147483648)) },
  { name: "i64", datatype: "INT64", shape: [2], bytes: u8(BigInt64Array.of(41n, -9007199254740991n)) },
  { name: "flag", datatype: "BOOL", shape: [2], bytes: Uint8Array.of(1, 0) },
  { name: "u8", datatype: "UINT8", shape: [2, 2], bytes: Uint8Array.of(0, 255, 7, 8) },
  { name: "text", datatype: "BYTES", shape: [3], bytes: bytesElements(["seven", "", "a handwritten 7 ✓"]) },
];

// Output bytes decoded to the values JSON would carry.
function decodeBinary(datatype: string, b: Uint8Array): unknown[] {
  const buf = b.slice().buffer;
  switch (datatype) {
    case "FP32": return Array.from(new Float32Array(buf));
    case "FP16": return Array.from(fromFp16Bytes(b));
    case "FP64": return Array.from(new Float64Array(buf));
    case "INT32": return Array.from(new Int32Array(buf));
    case "INT64": return Array.from(new BigInt64Array(buf), Number);
    case "BOOL": return Array.from(b, (v) => v !== 0);
    case "UINT8": return Array.from(b);
    case "BYTES": {
      const out: string[] = [];
      const view = new DataView(buf);
      for (let at = 0; at < b.byteLength;) {
        const len = view.getUint32(at, true);
        out.push(new TextDecoder().decode(b.subarray(at + 4, at + 4 + len)));
        at += 4 + len;
      }
      return out;
    }
  }
  throw new Error(datatype);
}

describe("generic ONNX serving: every datatype", () => {
  let p: Provider;
  let model: TensorModel;
  before(async () => {
    model = await loadOnnxModel("dtypes", DTYPES);
    p = await startProvider({ models: [], served: [model] });
  });
  after(async () => {
    await p?.close();
    await model?.release();
  });

  test("metadata: the session's names, OIP datatypes and shapes, -1 for dynamic dims", async () => {
    const m = (await (await fetch(`${p.url}/v2/models/dtypes`)).json()) as ModelMetadata;
    assert.equal(m.platform, "onnxruntime_onnx");
    assert.deepEqual(m.inputs, [
      { name: "f32", datatype: "FP32", shape: [-1, 3] },
      { name: "f16", datatype: "FP16", shape: [-1, 3] },
      { name: "f64", datatype: "FP64", shape: [-1] },
      { name: "i32", datatype: "INT32", shape: [-1] },
      { name: "i64", datatype: "INT64", shape: [-1] },
      { name: "flag", datatype: "BOOL", shape: [-1] },
      { name: "u8", datatype: "UINT8", shape: [-1, 2] },
      { name: "text", datatype: "BYTES", shape: [-1] },
    ]);
    assert.deepEqual(m.outputs.map((o) => `${o.name}:${o.datatype}`),
      ["f32_out:FP32", "f16_out:FP16", "f64_out:FP64", "i32_out:INT32", "i64_out:INT64", "flag_out:BOOL", "u8_out:UINT8", "text_out:BYTES"]);
  });

  test("JSON inputs, JSON outputs", async () => {
    const a = await infer(p.url, "dtypes", jsonInputs());
    assert.equal(a.status, 200, a.json.error);
    for (const o of a.json.outputs ?? []) assert.deepEqual(o.data, EXPECTED[o.name], o.name);
    assert.deepEqual(a.json.outputs?.find((o) => o.name === "f32_out")?.shape, [2, 3]);
    assert.deepEqual(a.json.outputs?.find((o) => o.name === "text_out")?.shape, [3]);
  });

  test("binary inputs, binary outputs (binary_data_output), each datatype as the extension lays it out", async () => {
    const a = await infer(p.url, "dtypes", binaryInputs(), undefined, true);
    assert.equal(a.status, 200, a.json.error);
    assert.equal(a.blobs.size, 8);
    for (const o of a.json.outputs ?? []) assert.deepEqual(decodeBinary(o.datatype, a.blobs.get(o.name) as Uint8Array), EXPECTED[o.name], o.name);
    // BYTES: 4-byte little-endian length, then the UTF-8 bytes, per element.
    assert.deepEqual(a.blobs.get("text_out"), bytesElements(["SEVEN", "", "A HANDWRITTEN 7 ✓"]));
  });

  test("mixed: some inputs binary, some JSON; only the named outputs, each in the form asked", async () => {
    const mixed = jsonInputs().map((t, i) => (i % 2 === 0 ? binaryInputs()[i] : t));
    const a = await infer(p.url, "dtypes", mixed, [{ name: "text_out", binary: true }, { name: "i64_out" }, { name: "f16_out", binary: false }]);
    assert.equal(a.status, 200, a.json.error);
    assert.deepEqual(a.json.outputs?.map((o) => o.name), ["text_out", "i64_out", "f16_out"]);
    assert.deepEqual(decodeBinary("BYTES", a.blobs.get("text_out") as Uint8Array), EXPECTED.text_out);
    assert.deepEqual(a.json.outputs?.[1].data, EXPECTED.i64_out);
    assert.deepEqual(a.json.outputs?.[2].data, EXPECTED.f16_out);
  });

  const refused = async (inputs: Tensor[], re: RegExp, outputs?: { name: string }[]) => {
    const a = await infer(p.url, "dtypes", inputs, outputs);
    assert.equal(a.status, 400, JSON.stringify(a.json));
    assert.match(a.json.error ?? "", re);
  };
  const swap = (name: string, t: Partial<Tensor>, from = jsonInputs()) => from.map((x) => (x.name === name ? { ...x, ...t } : x));

  test("400: datatype, rank, fixed dim, tied dims, missing and unknown inputs", async () => {
    await refused(swap("f32", { datatype: "FP16" }), /input f32 must be FP32, got FP16/);
    await refused(swap("i64", { datatype: "INT32" }), /input i64 must be INT64, got INT32/);
    await refused(swap("text", { datatype: "STRING" }), /input text: datatype "STRING" is not an OIP v2 datatype/);
    await refused(swap("f32", { shape: [6] }), /input f32 has shape \[6\], expected \[-1, 3\] \(rank 2\)/);
    await refused(swap("u8", { shape: [2, 1], data: [1, 2] }), /input u8 has shape \[2, 1\], expected \[-1, 2\]/);
    await refused(swap("f64", { shape: [3], data: [1, 2, 3] }), /input f64 dim 0 is 3 but input f32 dim 0 is 2: the model ties both to "batch"/);
    await refused(jsonInputs().filter((t) => t.name !== "flag" && t.name !== "u8"), /missing inputs flag, u8: model dtypes takes f32, f16/);
    await refused([...jsonInputs(), { name: "extra", datatype: "FP32", shape: [1], data: [0] }], /unknown input extra/);
    await refused([...jsonInputs(), jsonInputs()[0]], /input f32 is given twice/);
    await refused(swap("f32", { shape: [0, 3], data: [] }), /dim 0 must be at least 1/);
  });

  test("400: values that do not fit the datatype or the shape", async () => {
    await refused(swap("f32", { data: [1, 2, 3] }), /input f32: data holds 3 values, its shape needs 6/);
    await refused(swap("i32", { data: [1, 2 ** 31] }), /INT32 value 1 is 2147483648, not an integer/);
    await refused(swap("i64", { data: [1, 0.5] }), /INT64 value 1 is 0.5, not an integer/);
    await refused(swap("flag", { data: [true, 2] }), /BOOL data must be true, false, 0 or 1/);
    await refused(swap("text", { data: ["a", 1, "b"] }), /BYTES data must be strings/);
    await refused(swap("f32", { data: ["1", 2, 3, 4, 5, 6] }), /FP32 data must be finite numbers/);
    await refused(swap("f32", { data: undefined }), /input f32: no data/);
    await refused(swap("f32", { bytes: new Uint8Array(20) }, binaryInputs()), /input f32: 20 bytes for 6 FP32 values \(24 expected\)/);
    const truncated = bytesElements(["seven", "x"]).subarray(0, 12);
    await refused(swap("text", { shape: [2], bytes: truncated }, binaryInputs()), /input text: BYTES element 1 has a truncated 4-byte length/);
    const overlong = bytesElements(["seven"]);
    new DataView(overlong.buffer).setUint32(0, 99, true);
    await refused(swap("text", { shape: [1], bytes: overlong }, binaryInputs()), /BYTES element 0 declares 99 bytes, 5 remain/);
    await refused(swap("text", { shape: [2] }, binaryInputs()), /binary data holds 3 BYTES elements, its shape needs 2/);
    await refused(jsonInputs(), /unknown output "nope": model dtypes has f32_out/, [{ name: "nope" }]);
  });

  test("400 for trailing bytes and a header that is not JSON", async () => {
    const header = new TextEncoder().encode(JSON.stringify({ inputs: jsonInputs() }));
    const res = await fetch(`${p.url}/v2/models/dtypes/infer`, {
      method: "POST", headers: { "inference-header-content-length": String(header.byteLength) }, body: concat([header, new Uint8Array(3)]),
    });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: string }).error, /3 bytes beyond the declared tensors/);
    const bad = await fetch(`${p.url}/v2/models/dtypes/infer`, { method: "POST", body: "{nope" });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /header is not JSON/);
  });

  test("faults apply to tensor models too: status, then a NaN in the first output", async () => {
    p.setFaults(faultPlan({ [p.stats().inferCalls]: "status-503", [p.stats().inferCalls + 1]: "nan" }));
    try {
      assert.equal((await infer(p.url, "dtypes", jsonInputs())).status, 503);
      const a = await infer(p.url, "dtypes", jsonInputs());
      assert.equal(a.status, 200);
      assert.ok(Number.isNaN(a.json.outputs?.[0].data?.at(-1)) || a.json.outputs?.[0].data?.at(-1) === null);
    } finally {
      p.setFaults(() => undefined);
    }
  });
});

describe("generic serving keeps the digits model as it was", { skip: existsSync(DIGITS) ? false : "models/digits/model.onnx is absent" }, () => {
  let p: Provider;
  let generic: TensorModel;
  let release: () => Promise<void>;
  before(async () => {
    const { loadOnnxDenoiser, DIGITS_TENSOR_NAMES } = await import("../../tools/provider/onnx-model.ts");
    const { serveOnnx } = await import("../../tools/provider/onnx-served.ts");
    generic = await loadOnnxModel("digits", DIGITS);
    const rows = await loadOnnxDenoiser(DIGITS);
    release = () => rows.release();
    p = await startProvider({ models: [], served: [generic, serveOnnx("digits-rows", rows, DIGITS_TENSOR_NAMES)] });
  });
  after(async () => {
    await p?.close();
    await generic?.release();
    await release?.();
  });

  test("same metadata and, through the Worker's OIP client, bit-identical outputs (binary and JSON, split or not)", async () => {
    const meta = async (name: string) => ({ ...((await (await fetch(`${p.url}/v2/models/${name}`)).json()) as ModelMetadata), name: "" });
    assert.deepEqual(await meta("digits"), await meta("digits-rows"));
    const rows = 9;
    const x = Float32Array.from({ length: rows * 64 }, (_, i) => Math.cos(0.29 * i));
    const timesteps = Int32Array.from({ length: rows }, (_, r) => (r * 113) % 1000);
    const run = async (model: string, binary: boolean, max: number) => {
      const d = oipDenoiser(parseOipConfig({
        base_url: p.url, model_name: model, inputs: { sample: "sample", timestep: "timestep" }, output: "epsilon",
        sample_shape: [1, 8, 8], binary, max_rows_per_call: max,
      }));
      return evaluateRows(d, { rows, x, timesteps, alphaBar: new Float64Array(rows) });
    };
    const want = await run("digits-rows", true, 256);
    for (const [binary, max] of [[true, 256], [false, 256], [true, 4]] as const) assert.deepEqual(await run("digits", binary, max), want);
  });
});

describe("npm run provider -- --pipeline", () => {
  const main = path("tools/provider/main.ts");
  const start = (args: string[]) => spawn(process.execPath, [main, "--port", "0", "--models", "ring-2d", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const output = (child: ReturnType<typeof start>) =>
    new Promise<{ code: number | null; text: string }>((resolve) => {
      let text = "";
      child.stdout.on("data", (d) => {
        text += d;
        if (/reference provider on/.test(text)) resolve({ code: null, text });
      });
      child.stderr.on("data", (d) => void (text += d));
      child.on("exit", (code) => resolve({ code, text }));
    });

  test("an unknown pipeline is a usage error", async () => {
    const { code, text } = await output(start(["--pipeline", "nope"]));
    assert.equal(code, 2);
    assert.match(text, /unknown --pipeline nope; known: digits-cond/);
  });

  test("digits-cond serves its four stages under stable names", { skip: existsSync(path("models/digits-cond/decoder.onnx")) ? false : "models/digits-cond is absent" }, async () => {
    const child = start(["--pipeline", "digits-cond"]);
    try {
      const { text } = await output(child);
      const url = /on (http:\/\/\S+):/.exec(text)?.[1];
      assert.ok(url, text);
      for (const name of ["digits-cond-encoder", "digits-cond-denoiser", "digits-cond-denoiser-labels", "digits-cond-decoder"]) {
        const res: Response = await fetch(`${url}/v2/models/${name}`);
        assert.equal(res.status, 200, name);
        assert.equal(((await res.json()) as ModelMetadata).name, name);
      }
    } finally {
      child.kill("SIGTERM");
    }
  });
});
