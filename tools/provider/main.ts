// npm run provider -- --port 8000 [--models ring-2d,glyphs] [--latency-ms 25] [--per-row-ms 0.1]
//   [--fault 3:drop --fault 5:slow:2000] [--fault-every 10:status-503] [--token T] [--scheduler JSON]
//   [--onnx digits=models/digits/model.onnx]
// Serves each built-in model as "<id>" (FP32) and "<id>-fp16" (FP16), and each --onnx model under its
// name with the tensor names of models/digits (sample, timestep, epsilon), until interrupted.
import { parseArgs } from "node:util";
import { faultPlan, parseFault, type Fault } from "./faults.ts";
import { builtinSpecs } from "./models.ts";
import { startProvider } from "./server.ts";

const { values } = parseArgs({
  options: {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "8000" },
    models: { type: "string" },
    "latency-ms": { type: "string", default: "0" },
    "per-row-ms": { type: "string", default: "0" },
    fault: { type: "string", multiple: true, default: [] },
    "fault-every": { type: "string" },
    token: { type: "string" },
    scheduler: { type: "string", default: "{}" },
    prediction: { type: "string", default: "epsilon" },
    onnx: { type: "string", multiple: true, default: [] },
  },
});

const number = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${v}`);
  return n;
};

const at: Record<number, Fault> = {};
for (const f of values.fault) {
  const { call, fault } = parseFault(f);
  at[call] = fault;
}
let every: { n: number; fault: Fault } | undefined;
if (values["fault-every"]) {
  const { call, fault } = parseFault(values["fault-every"]);
  every = { n: Math.max(1, call), fault };
}
if (values.prediction !== "epsilon" && values.prediction !== "sample") throw new Error("--prediction must be epsilon or sample");
const scheduler = JSON.parse(values.scheduler) as Record<string, unknown>;
const ids = values.models?.split(",").map((s) => s.trim()).filter(Boolean);
const models = builtinSpecs(ids).map((s) => ({ ...s, scheduler, prediction: values.prediction as "epsilon" | "sample" }));

// onnxruntime-node is loaded only when a learned model is asked for.
const served = [];
for (const arg of values.onnx) {
  const [name, path] = arg.split("=");
  if (!name || !path) throw new Error(`--onnx expects NAME=PATH, got ${arg}`);
  const { loadOnnxDenoiser, DIGITS_TENSOR_NAMES } = await import("./onnx-model.ts");
  const { serveOnnx } = await import("./onnx-served.ts");
  served.push(serveOnnx(name, await loadOnnxDenoiser(path), DIGITS_TENSOR_NAMES));
}

const provider = await startProvider({
  models,
  served,
  host: values.host,
  port: number("port", values.port),
  latencyMs: number("latency-ms", values["latency-ms"]),
  perRowMs: number("per-row-ms", values["per-row-ms"]),
  faults: faultPlan(at, every),
  token: values.token,
});
console.log(`OIP v2 reference provider on ${provider.url}: models ${[...models, ...served].map((m) => m.name).join(", ")}`);

const stop = async () => {
  console.log(`stats ${JSON.stringify(provider.stats())}`);
  await provider.close();
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
