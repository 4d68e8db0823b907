// A seeded fuzzer of request bodies: random mutations of valid bodies (wrong types, huge numbers,
// NaN-like strings, nesting at and past the depth limit, unknown fields, long strings, random bytes,
// broken JSON text, wrong content types and methods). Every answer must be 2xx or a documented error
// {error: {code, message, field?}}; no 5xx but the documented 502/503/504 codes; no hang.
import type { Miniflare } from "miniflare";
import { contractProblems, histogram, label, pool, rng, send, type Rng } from "./http.ts";
import { SAMPLES_PATH } from "./bodies.ts";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface FuzzCase {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  mutations: string[];
}

/** Valid bodies the mutations start from (remote: an OIP model id served by a healthy provider). */
const bases = (remote: string): Json[] => [
  { model: "ring-2d", num_samples: 4, steps: 20, method: "block", draft: { window: 4 }, seed: 1 },
  { model: "glyphs", num_samples: 2, steps: 20, output: "png", seed: 2 },
  { model: "gmm-512", num_samples: 2, steps: 10, method: "token", draft: { type: "free", window: 4, freeze: "x0", bonus: true, adaptive: false }, seed: 3 },
  { model: { type: "gmm", means: [[0, 1], [1, 0], [-1, -1]], weights: [0.3, 0.5, 0.2], std: 0.2 }, num_samples: 4, steps: 10, output: "npy", seed: 4 },
  { model: "ring-2d", steps: 10, scheduler: { type: "ddim", eta: 0.3, beta_schedule: "scaled_linear", timestep_spacing: "trailing", clip_sample: true }, stream: true, seed: 5 },
  { model: remote, num_samples: 4, steps: 10, method: "sequential", seed: 6 },
  {
    model: "glyphs", num_samples: 1, steps: 8, seed: 7,
    scheduler: { _class_name: "DDPMScheduler", _diffusers_version: "0.30.0", beta_start: 0.0001, beta_end: 0.02, beta_schedule: "linear", clip_sample: false, num_train_timesteps: 1000, prediction_type: "epsilon", steps_offset: 1, timestep_spacing: "leading", trained_betas: null, variance_type: "fixed_small" },
  },
  { model: { type: "gmm", means: [[0.5, -0.5, 0.25, 0, 0.1, -0.2, 0.3, -0.4, 0.9, 0.8, -0.8, 0, 0.2, 0.2, -0.1, 0.05]], std: 0.4, shape: [1, 4, 4] }, num_samples: 4, steps: 12, output: "png", method: "block", draft: { type: "frozen-target", window: 3 }, seed: 8 },
];

const WRONG_TYPES: Json[] = [null, true, false, 0, -1, 1.5, "", "ring-2d", "7", [], [1, 2], {}, { a: 1 }, [[[]]]];
const HUGE: Json[] = [1e308, -1e308, 2 ** 53, 2 ** 53 + 2, 2 ** 64, 1e-320, -0, 4097, 4096, 1e9, 0, -1, 33, 100_000, 100_001, 0.5, 65536, 1048577];
const NAN_LIKE: Json[] = ["NaN", "Infinity", "-Infinity", "1e999", "0x10", " 5", "null", "undefined", "-0", "1_000", "\u0000", "\ud800", "💥", "true"];
// Raw tokens written into the JSON text: not JSON (NaN) or parsed to Infinity (1e999) by JSON.parse.
const RAW_TOKENS = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1e-999", "0001", "+1", ".5", "1.", "0x1F", "undefined", "'x'", "\"\\ud800\""];
const KEYS = ["model", "num_samples", "steps", "method", "draft", "seed", "scheduler", "output", "stream", "__proto__", "constructor", "prototype", "toString", "x".repeat(300), "", "type", "window", "means", "weights", "std", "shape", "eta", "num_train_timesteps", "beta_schedule", "trained_betas"];
const CONTENT_TYPES = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", "APPLICATION/JSON", "application/problem+json", "application/jsonx", "json", "", "application/octet-stream", "application/json, text/plain", " application/json"];
const METHODS = ["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"];
const PATHS = ["/v1/samples/", "/v1/Samples", "/v1/samples?x=1", "/v1/samples/../samples", "/v1//samples", "/v1/sample", "/v1/models", "/v1/health", "/", "/%ff", "/v1/samples#x"];

const clone = (v: Json): Json => JSON.parse(JSON.stringify(v)) as Json;

/** Every path to a value inside v (the root is []). */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function setAt(root: Json, path: (string | number)[], value: Json): Json {
  if (path.length === 0) return value;
  let o = root as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) o = o?.[k] as Record<string | number, Json>;
  // A root or parent mutated into a scalar earlier: nothing to set into.
  if (o === null || typeof o !== "object") return root;
  o[path.at(-1)!] = value;
  return root;
}

const depthOf = (path: (string | number)[]) => path.length + 1; // the body object is level 1

const randomString = (r: Rng, n: number) => {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_.:/ \"\\\u00e9\u4e2d\u0000\n";
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[r.int(0, alphabet.length - 1)];
  return s;
};

/** One mutation of a JSON value; returns the new root and what was done. */
function mutateValue(r: Rng, root: Json): [Json, string] {
  const ps = paths(root);
  const p = r.pick(ps);
  const where = p.join(".") || "(body)";
  switch (r.int(0, 8)) {
    case 0: {
      const v = r.pick(WRONG_TYPES);
      return [setAt(root, p, clone(v)), `wrong type at ${where}`];
    }
    case 1:
      return [setAt(root, p, r.pick(HUGE)), `huge number at ${where}`];
    case 2:
      return [setAt(root, p, r.pick(NAN_LIKE)), `NaN-like string at ${where}`];
    case 3: {
      // Nest the value in arrays/objects so the body reaches depth 7, 8 (the limit) or 9 (past it).
      const target = r.pick([7, 8, 8, 9]);
      let v: Json = r.chance(0.5) ? 1 : "x";
      for (let d = depthOf(p); d < target; d++) v = r.chance(0.5) ? [v] : { k: v };
      return [setAt(root, p, v), `nested to depth ${target} at ${where}`];
    }
    case 4: {
      // An unknown (or prototype-named) field in an object.
      const objects = ps.filter((q) => {
        let v: Json = root;
        for (const k of q) v = (v as Record<string | number, Json>)[k];
        return v !== null && typeof v === "object" && !Array.isArray(v);
      });
      const q = objects.length ? r.pick(objects) : [];
      let o: Json = root;
      for (const k of q) o = (o as Record<string | number, Json>)[k];
      const key = r.pick(KEYS.concat([randomString(r, r.int(1, 20))]));
      if (o && typeof o === "object" && !Array.isArray(o)) (o as Record<string, Json>)[key] = clone(r.pick(WRONG_TYPES));
      return [root, `field ${JSON.stringify(key.slice(0, 20))} at ${q.join(".") || "(body)"}`];
    }
    case 5: {
      const n = r.pick([1_000, 10_000, 100_000, 1_000_000]);
      return [setAt(root, p, r.chance(0.5) ? "m".repeat(n) : randomString(r, Math.min(n, 100_000))), `string of ${n} chars at ${where}`];
    }
    case 6: {
      // A long array of numbers (within or past body_numbers / body_containers).
      const n = r.pick([100, 10_000, 300_000]);
      const v = r.chance(0.5) ? Array.from({ length: n }, (_, i) => (i % 7) / 7) : Array.from({ length: Math.min(n, 2000) }, () => [0, 1]);
      return [setAt(root, p, v), `array of ${v.length} at ${where}`];
    }
    case 7:
      // Remove a field.
      if (p.length > 0) {
        let o: Json = root;
        for (const k of p.slice(0, -1)) o = (o as Record<string | number, Json>)[k];
        if (Array.isArray(o)) o.splice(p.at(-1) as number, 1);
        else delete (o as Record<string, Json>)[p.at(-1) as string];
        return [root, `removed ${where}`];
      }
      return [root, "none"];
    default: {
      // An inline mixture of odd sizes (mismatched dims, weights, shape).
      const k = r.int(0, 4), d = r.pick([0, 1, 2, 3, 65537]);
      const model: Json = { type: r.pick(["gmm", "GMM", "x"]), means: Array.from({ length: k }, () => Array.from({ length: Math.min(d, 4) }, () => r.next() * 2 - 1)), std: r.pick([0.1, 0, -1, 1e7, 1e-7]) };
      if (r.chance(0.5)) model.weights = Array.from({ length: r.int(0, 5) }, () => r.next());
      if (r.chance(0.5)) model.shape = r.pick([[d], [1, d], [0], [-1], [1e9], [2, 2], [3, 1, 1]]);
      return [setAt(root, ["model"], model), "odd inline mixture"];
    }
  }
}

/** Text-level mutations: things a JSON value cannot express. */
function mutateText(r: Rng, text: string): [string, string] {
  switch (r.int(0, 6)) {
    case 0: {
      const at = r.int(0, text.length);
      return [text.slice(0, at), `truncated at ${at}`];
    }
    case 1: {
      // Replace a number with a raw token (NaN, 1e999 ...).
      const m = [...text.matchAll(/:(-?\d+(\.\d+)?)/g)];
      if (!m.length) return [text, "none"];
      const hit = r.pick(m);
      const tok = r.pick(RAW_TOKENS);
      return [text.slice(0, hit.index! + 1) + tok + text.slice(hit.index! + hit[0].length), `raw token ${tok}`];
    }
    case 2:
      return [text.replace(/\}$/, ',}').replace(/\]/, ",]"), "trailing commas"];
    case 3:
      return [text.replace(/^\{/, '{"steps":5,"steps":"x","model":"glyphs",'), "duplicate keys"];
    case 4:
      return [`\ufeff${text}`, "BOM prefix"];
    case 5:
      return [`${" ".repeat(r.pick([10, 100_000]))}${text}\n\t `, "whitespace padding"];
    default: {
      const at = r.int(0, text.length);
      return [text.slice(0, at) + randomString(r, r.int(1, 8)) + text.slice(at), `inserted garbage at ${at}`];
    }
  }
}

/** The fuzz cases of `seed`, one per call, the same sequence every run (built on demand: bodies can be MiBs). */
export function fuzzCases(seed: number, remote: string): () => FuzzCase {
  const r = rng(seed);
  const baseBodies = bases(remote);
  return function nextCase(): FuzzCase {
    let body: Json = clone(r.pick(baseBodies));
    const mutations: string[] = [];
    const headers: Record<string, string> = { "content-type": "application/json" };
    let method = "POST", path = SAMPLES_PATH;
    let raw: string | Uint8Array | undefined;
    const roll = r.next();
    if (roll < 0.08) {
      // Controls: a valid body unchanged.
      raw = JSON.stringify(body);
      mutations.push("none (valid body)");
    } else if (roll < 0.12) {
      // Random bytes as the body.
      const n = r.pick([0, 1, 17, 1000, 100_000]);
      raw = Uint8Array.from({ length: n }, () => r.int(0, 255));
      mutations.push(`${n} random bytes`);
    } else if (roll < 0.14) {
      // A top level that is not an object.
      raw = JSON.stringify(r.pick([[], [body], "ring-2d", 42, null, true] as Json[]));
      mutations.push("top level not an object");
    } else {
      const n = r.int(1, 3);
      for (let m = 0; m < n; m++) {
        const [b, what] = mutateValue(r, body);
        body = b;
        mutations.push(what);
      }
      raw = JSON.stringify(body);
      if (r.chance(0.15)) {
        const [t, what] = mutateText(r, raw);
        raw = t;
        mutations.push(what);
      }
    }
    if (r.chance(0.06)) {
      const ct = r.pick(CONTENT_TYPES);
      if (ct === "") delete headers["content-type"];
      else headers["content-type"] = ct;
      mutations.push(`content-type ${JSON.stringify(ct)}`);
    }
    if (r.chance(0.03)) {
      method = r.pick(METHODS);
      mutations.push(`method ${method}`);
      if (method === "GET" || method === "HEAD") raw = undefined;
    }
    if (r.chance(0.03)) {
      path = r.pick(PATHS);
      mutations.push(`path ${path}`);
    }
    if (r.chance(0.03)) {
      headers.accept = r.pick(["text/event-stream", "image/png", "*/*", "application/x-npy"]);
      mutations.push(`accept ${headers.accept}`);
    }
    if (r.chance(0.02)) {
      headers.authorization = r.pick(["Bearer x", "Basic Zm9vOmJhcg==", "", "Bearer " + "t".repeat(10_000)]);
      mutations.push("authorization header");
    }
    return { method, path, headers, body: raw, mutations };
  };
}

export interface FuzzOptions {
  count: number;
  seed: number;
  concurrency: number;
  clientTimeoutMs: number;
}

export async function fuzzSection(mf: Miniflare, remote: string, o: FuzzOptions, log: (s: string) => void): Promise<{ problems: string[]; md: string; histogram: [string, number][] }> {
  const next = fuzzCases(o.seed, remote);
  // What is kept of each case: its mutations and the start of its body (the bodies themselves can be MiBs).
  const cases: { method: string; path: string; headers: Record<string, string>; mutations: string[]; shown: string }[] = [];
  let bytes = 0;
  const started = performance.now();
  const answers = await pool(o.count, o.concurrency, (i) => {
    // The pool takes indices in order and this runs synchronously: case i is the i-th of the sequence.
    const c = next();
    const size = typeof c.body === "string" ? Buffer.byteLength(c.body) : c.body?.byteLength ?? 0;
    bytes += size;
    cases[i] = { method: c.method, path: c.path, headers: c.headers, mutations: c.mutations, shown: typeof c.body === "string" ? c.body.slice(0, 300) : `${size} bytes` };
    return send(mf, c.path, c, o.clientTimeoutMs);
  });
  const seconds = (performance.now() - started) / 1000;
  const labels = answers.map(label);
  const problems: string[] = [];
  answers.forEach((a, i) => {
    const c = cases[i];
    for (const p of contractProblems(a, c.method)) {
      problems.push(`fuzz case ${i} (${c.mutations.join("; ")}; ${c.method} ${c.path} ${JSON.stringify(c.headers).slice(0, 200)} body ${JSON.stringify(c.shown)}): ${p}`);
    }
  });
  const byStatus = histogram(answers.map((a) => (a.hung ? "hang" : a.failed !== null ? "fetch-failed" : String(a.status))));
  const byCode = histogram(labels);
  const slowest = answers.reduce((m, a, i) => (a.ms > answers[m].ms ? i : m), 0);
  log(`fuzz: ${o.count} cases in ${seconds.toFixed(1)} s: ${byStatus.map(([l, n]) => `${l}: ${n}`).join(", ")}; ${problems.length} contract problems`);
  const md = [
    `${o.count} cases from seed ${o.seed} (${(bytes / 2 ** 20).toFixed(1)} MiB of bodies), concurrency ${o.concurrency}, client-side bound ${o.clientTimeoutMs / 1000} s, ${seconds.toFixed(1)} s in all. ` +
      `Slowest answer: ${answers[slowest].ms.toFixed(0)} ms (case ${slowest}: ${cases[slowest].mutations.join("; ")}).`,
    "",
    "| status | count |",
    "|---|---|",
    ...byStatus.map(([l, n]) => `| ${l} | ${n} |`),
    "",
    "| status and code | count |",
    "|---|---|",
    ...byCode.map(([l, n]) => `| ${l} | ${n} |`),
    "",
    problems.length ? `**${problems.length} answers broke the contract** (first 20):\n\n${problems.slice(0, 20).map((p) => `- ${p}`).join("\n")}` :
      "Every answer was 2xx or a documented status with the documented `{error: {code, message, field?}}` body (streams: a result or a documented error event); no 500, no hang.",
  ].join("\n");
  return { problems, md, histogram: byStatus };
}
