// The reference OIP v2 provider: a Node HTTP server on localhost that serves analytic models with
// optional added latency and deterministic faults, and counts what it served.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ProtocolError, readInferRequest, writeInferResponse } from "./codec.ts";
import { faultStatus, noFaults, spoilBody, spoilOutput, type Fault, type FaultPlan } from "./faults.ts";
import { serveModels, type ProviderModelSpec, type ServedModel } from "./models.ts";
import { rowsOf, type TensorModel } from "./onnx-generic.ts";
import { readTensorRequest, writeTensorResponse } from "./tensor-codec.ts";
import { floatValues, withFloatValues, type WireTensor } from "./tensors.ts";

export interface ProviderOptions {
  models: readonly ProviderModelSpec[];
  /**
   * Models already loaded, served beside the analytic ones: row models (onnx-served.ts: one sample
   * tensor and a timestep) and generic tensor models (onnx-generic.ts: any inputs and outputs).
   */
  served?: readonly (ServedModel | TensorModel)[];
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Added to every infer answer (a round trip's fixed cost). */
  latencyMs?: number;
  /** Added per row of an infer call (the GPU's compute). */
  perRowMs?: number;
  faults?: FaultPlan;
  /** When set, model routes require `Authorization: Bearer <token>`. */
  token?: string;
}

export interface ProviderStats {
  /** Infer requests received (the index the fault plan sees), faulted ones included. */
  inferCalls: number;
  metadataCalls: number;
  faultsInjected: number;
  /** Rows the models evaluated, and in calls answered 200 with a correct tensor. */
  rowsEvaluated: number;
  rowsServed: number;
  bytesIn: number;
  bytesOut: number;
  /** Time spent on infer calls, in ms: the fixed latency slept, and compute (model time plus per-row sleep). */
  latencyMs: number;
  computeMs: number;
}

export interface Provider {
  readonly url: string;
  readonly port: number;
  stats(): ProviderStats;
  resetStats(): void;
  setFaults(plan: FaultPlan): void;
  close(): Promise<void>;
}

const MODEL_ROUTE = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/infer|\/ready)?$/;

const freshStats = (): ProviderStats => ({
  inferCalls: 0, metadataCalls: 0, faultsInjected: 0, rowsEvaluated: 0, rowsServed: 0, bytesIn: 0, bytesOut: 0, latencyMs: 0, computeMs: 0,
});

export async function startProvider(opts: ProviderOptions): Promise<Provider> {
  const models = new Map<string, ServedModel | TensorModel>(serveModels(opts.models));
  for (const m of opts.served ?? []) models.set(m.name, m);
  let stats = freshStats();
  let faults = opts.faults ?? noFaults;

  const route = async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    stats.bytesIn += body.byteLength;
    const path = new URL(req.url ?? "/", "http://provider").pathname;
    if (req.method === "GET" && (path === "/v2/health/ready" || path === "/v2/health/live")) return send(res, 200, {});
    if (req.method === "GET" && path === "/v2") return send(res, 200, { name: "speculative-diffusion-reference", version: "1", extensions: ["binary_tensor_data"] });
    if (req.method === "GET" && path === "/provider/stats") return send(res, 200, stats);
    const m = MODEL_ROUTE.exec(path);
    const model = m ? models.get(decodeURIComponent(m[1])) : undefined;
    if (!m || !model || (m[2] !== undefined && m[2] !== "1")) return send(res, 404, { error: `no route or model for ${path}` });
    if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) return send(res, 401, { error: "missing or wrong bearer token" });
    if (req.method === "GET" && m[3] === "/ready") return send(res, 200, {});
    if (req.method === "GET" && m[3] === undefined) {
      stats.metadataCalls++;
      return send(res, 200, model.metadata);
    }
    if (req.method === "POST" && m[3] === "/infer") return "kind" in model ? inferTensors(model, req, res, body) : infer(model, req, res, body);
    return send(res, 405, { error: `${req.method} not allowed on ${path}` });
  };

  // The fault plan's verdict for this infer call; true when the fault already answered (drop, status-*).
  const takeFault = (req: IncomingMessage, res: ServerResponse): { fault: Fault | undefined; answered: boolean } => {
    const fault = faults(stats.inferCalls++);
    if (fault) stats.faultsInjected++;
    if (fault?.kind === "drop") {
      req.socket.destroy();
      return { fault, answered: true };
    }
    const status = faultStatus(fault);
    if (status !== undefined) {
      send(res, status, { error: `injected fault ${fault?.kind}` });
      return { fault, answered: true };
    }
    return { fault, answered: false };
  };

  // Latency, per-row cost and a "slow" fault, as counted for both kinds of model.
  const delay = async (res: ServerResponse, fault: Fault | undefined, rows: number, started: number): Promise<void> => {
    const latency = (opts.latencyMs ?? 0) + (fault?.kind === "slow" ? fault.ms ?? 10_000 : 0);
    const rowCost = (opts.perRowMs ?? 0) * rows;
    stats.latencyMs += latency;
    stats.computeMs += rowCost + performance.now() - started;
    if (latency + rowCost > 0) await sleepWhileOpen(res, latency + rowCost);
  };

  const inferTensors = async function inferTensors(model: TensorModel, req: IncomingMessage, res: ServerResponse, body: Uint8Array): Promise<void> {
    const { fault, answered } = takeFault(req, res);
    if (answered) return;
    const header = req.headers["inference-header-content-length"];
    const request = readTensorRequest(model, body, Array.isArray(header) ? header[0] : header);
    const rows = rowsOf(model, request.inputs);
    const started = performance.now();
    const outputs = await model.infer(request.inputs, request.outputs);
    stats.rowsEvaluated += rows;
    await delay(res, fault, rows, started);
    const answer = writeTensorResponse(model, spoilTensors(fault, outputs), request.binary);
    if (!fault) stats.rowsServed += rows;
    sendBytes(res, 200, spoilBody(fault, answer.body), answer.headers);
  };

  const infer = async function infer(model: ServedModel, req: IncomingMessage, res: ServerResponse, body: Uint8Array): Promise<void> {
    const { fault, answered } = takeFault(req, res);
    if (answered) return;
    const header = req.headers["inference-header-content-length"];
    const input = readInferRequest(model, body, Array.isArray(header) ? header[0] : header);
    if (input.timesteps.some((t) => !Number.isInteger(t) || t < 0 || t >= model.numTrainTimesteps)) {
      throw new ProtocolError(`timesteps must be integers in [0, ${model.numTrainTimesteps})`);
    }
    const started = performance.now();
    const values = await model.evaluate(input.x, input.timesteps);
    stats.rowsEvaluated += input.rows;
    await delay(res, fault, input.rows, started);
    const out = spoilOutput(fault, { datatype: model.dtype, shape: [input.rows, ...model.shape], values });
    const answer = writeInferResponse(model, out, input.binaryOutput);
    if (!fault) stats.rowsServed += input.rows;
    sendBytes(res, 200, spoilBody(fault, answer.body), answer.headers);
  };

  const send = (res: ServerResponse, status: number, json: unknown) =>
    sendBytes(res, status, new TextEncoder().encode(JSON.stringify(json)), { "content-type": "application/json" });

  const sendBytes = (res: ServerResponse, status: number, body: Uint8Array, headers: Record<string, string>) => {
    if (res.destroyed) return;
    stats.bytesOut += body.byteLength;
    res.writeHead(status, { ...headers, "content-length": String(body.byteLength) });
    res.end(body);
  };

  const server = createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      const status = e instanceof ProtocolError ? 400 : 500;
      send(res, status, { error: e instanceof Error ? e.message : String(e) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? "127.0.0.1"}:${port}`,
    port,
    stats: () => ({ ...stats }),
    resetStats: () => void (stats = freshStats()),
    setFaults: (plan) => void (faults = plan),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Tensor faults spoil the first output (wrong-shape, wrong-dtype; nan when it is FP32 or FP16).
function spoilTensors(fault: Fault | undefined, outputs: WireTensor[]): WireTensor[] {
  if (!fault || outputs.length === 0) return outputs;
  const [first, ...rest] = outputs;
  const values = floatValues(first) ?? new Float32Array(0);
  const spoiled = spoilOutput(fault, { datatype: first.datatype, shape: first.shape, values });
  let out: WireTensor = { ...first, shape: spoiled.shape, datatype: spoiled.datatype as WireTensor["datatype"] };
  if (spoiled.values !== values) out = withFloatValues(first, spoiled.values);
  return [out, ...rest];
}

// A client that gave up (timeout) closes the connection: stop waiting, so closing the server is prompt.
const sleepWhileOpen = (res: ServerResponse, ms: number): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off("close", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.on("close", done);
  });

const readBody = async (req: IncomingMessage): Promise<Uint8Array> => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const buf = Buffer.concat(chunks);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
};
