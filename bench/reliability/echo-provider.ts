// A hostile OIP provider on 127.0.0.1 that echoes the request headers it gets (the Worker's credential
// among them) back in every place an answer can carry text: error bodies, tensor names, datatypes,
// shapes, the Inference-Header-Content-Length header. The first path segment picks the behaviour, so
// one server backs one MODELS entry per variant (base_url http://127.0.0.1:PORT/<variant>).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const ECHO_VARIANTS = {
  "meta-404-headers": "metadata answers 404 with every request header in its JSON body",
  "meta-500-headers": "metadata answers 500 with the headers (retried, then unavailable)",
  "meta-name-header": "metadata names its input after the Authorization header's value",
  "meta-name-token": "metadata names its input after the bare token",
  "meta-dtype-token": "metadata gives the output's datatype as the bare token",
  "infer-400-headers": "infer answers 400 with the headers as text",
  "infer-503-headers": "infer answers 503 with the headers (retries exhausted)",
  "infer-dtype-token": "infer answers 200 with the output datatype = the bare token",
  "infer-shape-token": "infer answers 200 with the output shape = [the bare token]",
  "infer-ihcl-token": "infer answers 200 with Inference-Header-Content-Length = the bare token",
  "infer-name-headers": "infer answers 200 with output names = each header line",
  "infer-json-headers": "infer answers 200 with a non-JSON body that holds the headers",
  "redirect-echo": "infer answers 307 to an echoing path on the same server",
} as const;
export type EchoVariant = keyof typeof ECHO_VARIANTS;

export interface EchoProvider {
  url: string;
  /** Requests that carried the expected credential (proves the Worker sent it). */
  sawToken(): number;
  close(): Promise<void>;
}

const GOOD_META = {
  name: "ring", versions: ["1"], platform: "echo",
  inputs: [{ name: "sample", datatype: "FP32", shape: [-1, 2] }, { name: "timestep", datatype: "INT64", shape: [-1] }],
  outputs: [{ name: "model_output", datatype: "FP32", shape: [-1, 2] }],
};

/** Starts the echo provider; `tokens` are the bare secrets the Worker may send (Authorization or x-api-key). */
export async function startEchoProvider(tokens: readonly string[]): Promise<EchoProvider> {
  let saw = 0;
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const value = String(req.headers.authorization ?? req.headers["x-api-key"] ?? "");
    if (tokens.some((t) => value.includes(t))) saw++;
    const bare = value.replace(/^\S+\s+/, "");
    const all = req.headers as Record<string, unknown>;
    const lines = Object.entries(all).map(([k, v]) => `${k}: ${String(v)}`);
    const [, variant = "", ...rest] = (req.url ?? "/").split("?")[0].split("/");
    const infer = rest.at(-1) === "infer";
    const meta = req.method === "GET";
    switch (variant as EchoVariant | "echo") {
      case "echo":
        return json(res, 400, { error: `you sent ${lines.join("; ")}` });
      case "meta-404-headers":
        return json(res, 404, { error: "not found", headers: all });
      case "meta-500-headers":
        return json(res, 500, { error: lines.join("\n") });
      case "meta-name-header":
        return json(res, 200, { ...GOOD_META, inputs: [{ name: value, datatype: "FP32", shape: [-1, 2] }, GOOD_META.inputs[1]] });
      case "meta-name-token":
        return json(res, 200, { ...GOOD_META, inputs: [{ name: bare, datatype: "FP32", shape: [-1, 2] }, GOOD_META.inputs[1]] });
      case "meta-dtype-token":
        return json(res, 200, { ...GOOD_META, outputs: [{ name: "model_output", datatype: bare, shape: [-1, 2] }] });
    }
    if (meta) return json(res, 200, GOOD_META);
    if (!infer) return json(res, 404, { error: `no route ${req.url}` });
    switch (variant as EchoVariant) {
      case "infer-400-headers":
        res.writeHead(400, { "content-type": "text/plain" });
        return res.end(lines.join("\n"));
      case "infer-503-headers":
        return json(res, 503, { error: lines.join("\n") });
      case "infer-dtype-token":
        return json(res, 200, { model_name: "ring", outputs: [{ name: "model_output", datatype: bare, shape: [1, 2], data: [0, 0] }] });
      case "infer-shape-token":
        return json(res, 200, { model_name: "ring", outputs: [{ name: "model_output", datatype: "FP32", shape: [bare, value], data: [0, 0] }] });
      case "infer-ihcl-token":
        return json(res, 200, { model_name: "ring", outputs: [] }, { "inference-header-content-length": bare });
      case "infer-name-headers":
        return json(res, 200, { model_name: "ring", outputs: lines.map((l) => ({ name: l, datatype: l, shape: [l] })) });
      case "infer-json-headers":
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(`not json ${lines.join("; ")}`);
      case "redirect-echo":
        res.writeHead(307, { location: `/echo/v2/models/ring/infer?${encodeURIComponent(value)}` });
        return res.end();
      default:
        return json(res, 404, { error: `unknown variant ${variant}` });
    }
  };
  const server = createServer((req, res) => {
    // Drain the body, then answer.
    req.on("data", () => undefined);
    req.on("end", () => handle(req, res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sawToken: () => saw,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** MODELS entries, one per variant, with the credential in secret PROVIDER_TOKEN (Bearer) or in x-api-key (bare). */
export const echoEntries = (url: string, scheduler: Record<string, unknown>) =>
  Object.keys(ECHO_VARIANTS).flatMap((variant) => {
    const settings = {
      base_url: `${url}/${variant}`, model_name: "ring", inputs: { sample: "sample", timestep: "timestep" }, output: "model_output",
      binary: false, timeout_ms: 2_000, retry: { max_retries: 1, base_delay_ms: 1, max_delay_ms: 2 },
    };
    return [
      { id: `echo-${variant}`, provider: "oip", shape: [2], scheduler, settings: { ...settings, auth: { secret: "PROVIDER_TOKEN" } } },
      { id: `echo-key-${variant}`, provider: "oip", shape: [2], scheduler, settings: { ...settings, auth: { secret: "PROVIDER_KEY", header: "x-api-key", scheme: "" } } },
    ];
  });
