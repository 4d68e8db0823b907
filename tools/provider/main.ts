// npm run provider -- --port 8000 [--models ring-2d,glyphs] [--latency-ms 25] [--per-row-ms 0.1]
//   [--fault 3:drop --fault 5:slow:2000] [--fault-every 10:status-503] [--token T] [--scheduler JSON]
//   [--onnx digits=models/digits/model.onnx] [--pipeline digits-cond]
// Serves each built-in model as "<id>" (FP32) and "<id>-fp16" (FP16), each --onnx model under its name
// with the tensor names, datatypes and shapes the ONNX file declares (onnx-generic.ts), and each stage
// of a --pipeline under its stable name (pipelines.ts), until interrupted.
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { faultPlan, parseFault, type Fault } from "./faults.ts";
import { builtinSpecs } from "./models.ts";
import { PIPELINES, stagePath } from "./pipelines.ts";
import { startProvider } from "./server.ts";

export const PROVIDER_USAGE = `usage: npm run provider -- [--port 8000] [options]
  --port N             port to listen on (default 8000; 0 picks a free one)
  --host H             address to listen on (default 127.0.0.1)
  --models IDS         built-in analytic models to serve, comma-separated (default: all), each as
                       "<id>" (FP32) and "<id>-fp16" (FP16)
  --onnx NAME=PATH     also serve an ONNX model under NAME (repeatable), e.g.
                       --onnx digits=models/digits/model.onnx; its inputs and outputs (names,
                       datatypes FP32/FP16/FP64/INT*/UINT*/BOOL/BYTES, shapes) are the file's own
  --pipeline NAME      also serve every stage of a named pipeline (repeatable): digits-cond serves
                       models/digits-cond/*.onnx as digits-cond-encoder, digits-cond-denoiser,
                       digits-cond-denoiser-labels and digits-cond-decoder
  --scheduler JSON     diffusers scheduler config of the analytic models (default {})
  --prediction P       epsilon | sample (analytic models; default epsilon)
  --latency-ms MS      added to every infer answer (default 0)
  --per-row-ms MS      added per row of an infer call (default 0)
  --fault CALL:KIND[:MS]        inject a fault at infer call CALL (repeatable), e.g. 3:drop, 5:slow:2000
  --fault-every N:KIND[:MS]     inject a fault at every N-th infer call, e.g. 10:status-503
  --token T            require Authorization: Bearer T on model routes
  -h, --help           this text`;

// Mistakes on the command line, a missing model file and a port in use are one line (with the usage
// for command-line mistakes), not a stack trace.
class UsageError extends Error {}

const number = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a non-negative number, got ${v}`);
  return n;
};

const options = (argv: string[]) => {
  try {
    return parseArgs({
      args: argv,
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
        pipeline: { type: "string", multiple: true, default: [] },
      },
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
};

const main = async (argv: string[]) => {
  const values = options(argv);
  const at: Record<number, Fault> = {};
  let every: { n: number; fault: Fault } | undefined;
  try {
    for (const f of values.fault) {
      const { call, fault } = parseFault(f);
      at[call] = fault;
    }
    if (values["fault-every"]) {
      const { call, fault } = parseFault(values["fault-every"]);
      every = { n: Math.max(1, call), fault };
    }
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.prediction !== "epsilon" && values.prediction !== "sample") throw new UsageError("--prediction must be epsilon or sample");
  let scheduler: Record<string, unknown>;
  try {
    scheduler = JSON.parse(values.scheduler) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`--scheduler is not JSON: ${(e as Error).message}`);
  }
  const port = number("port", values.port);
  const ids = values.models?.split(",").map((s) => s.trim()).filter(Boolean);
  const models = builtinSpecs(ids).map((s) => ({ ...s, scheduler, prediction: values.prediction as "epsilon" | "sample" }));

  // onnxruntime-node is loaded only when a learned model is asked for.
  const files: { name: string; path: string }[] = [];
  for (const arg of values.onnx) {
    const at = arg.indexOf("=");
    const [name, path] = at < 0 ? [arg, ""] : [arg.slice(0, at), arg.slice(at + 1)];
    if (!name || !path) throw new UsageError(`--onnx expects NAME=PATH, got ${arg}`);
    files.push({ name, path });
  }
  for (const p of values.pipeline) {
    const stages = Object.hasOwn(PIPELINES, p) ? PIPELINES[p] : undefined;
    if (!stages) throw new UsageError(`unknown --pipeline ${p}; known: ${Object.keys(PIPELINES).join(", ")}`);
    files.push(...stages.map((s) => ({ name: s.model, path: stagePath(s) })));
  }
  const names = new Set<string>(models.map((m) => m.name));
  const served = [];
  for (const f of files) {
    if (names.has(f.name)) throw new UsageError(`two models would be served as ${f.name}`);
    names.add(f.name);
    if (!existsSync(f.path)) throw new Error(`no ONNX file at ${f.path} (for ${f.name})`);
    const { loadOnnxModel } = await import("./onnx-generic.ts");
    served.push(await loadOnnxModel(f.name, f.path));
  }

  let provider: Awaited<ReturnType<typeof startProvider>>;
  try {
    provider = await startProvider({
      models,
      served,
      host: values.host,
      port,
      latencyMs: number("latency-ms", values["latency-ms"]),
      perRowMs: number("per-row-ms", values["per-row-ms"]),
      faults: faultPlan(at, every),
      token: values.token,
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new Error(`port ${port} on ${values.host} is in use (another provider or program listens there): stop it, or pick another --port`);
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new Error(`cannot listen on ${values.host}: no such local address (--host)`);
    if (code === "EACCES") throw new Error(`not allowed to listen on port ${port} (ports below 1024 need privileges): pick another --port`);
    throw e;
  }
  console.log(`OIP v2 reference provider on ${provider.url}: models ${[...models, ...served].map((m) => m.name).join(", ")}`);

  const stop = async () => {
    console.log(`stats ${JSON.stringify(provider.stats())}`);
    await provider.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
};

const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  console.log(PROVIDER_USAGE);
} else {
  try {
    await main(argv);
  } catch (e) {
    const usage = e instanceof UsageError ? `\n${PROVIDER_USAGE}` : "";
    console.error(`provider: ${e instanceof Error ? e.message : String(e)}${usage}`);
    process.exit(e instanceof UsageError ? 2 : 1);
  }
}
