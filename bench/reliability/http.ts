// Shared pieces of the reliability campaign: a seeded RNG, a bounded request against the Worker,
// a concurrency pool, percentiles, and the documented error contract every answer is checked against.
import type { Miniflare } from "miniflare";

export const ORIGIN = "http://worker.test";

/** mulberry32: a small seeded generator, so that every run sends the same bodies. */
export const rng = (seed: number) => {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
};
export type Rng = ReturnType<typeof rng>;

/** Documented statuses and their codes (README, errors table and Limits). */
export const DOCUMENTED: Readonly<Record<number, readonly string[]>> = {
  400: ["malformed_request"],
  401: ["unauthorized"],
  404: ["not_found"],
  405: ["method_not_allowed"],
  413: ["limit_exceeded"],
  415: ["unsupported_media_type"],
  422: ["invalid_request"],
  502: ["denoiser_bad_response", "denoiser_rejected_request", "denoiser_unavailable", "denoiser_unreachable"],
  503: ["model_unavailable", "overloaded"],
  504: ["denoiser_timeout", "deadline_exceeded"],
};

/** Why an error body breaks the contract {error: {code, message, field?}} with a documented code, or null. */
export function errorShapeProblem(status: number, text: string): string | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `body is not JSON: ${JSON.stringify(text.slice(0, 80))}`;
  }
  const o = body as { error?: Record<string, unknown> };
  if (!o || typeof o !== "object" || Array.isArray(o) || Object.keys(o).join() !== "error") return "top level is not {error}";
  const e = o.error;
  if (!e || typeof e !== "object") return "error is not an object";
  const extra = Object.keys(e).filter((k) => !["code", "message", "field"].includes(k));
  if (extra.length) return `error has extra keys ${extra.join(",")}`;
  if (typeof e.code !== "string" || typeof e.message !== "string") return "code or message missing";
  if (e.field !== undefined && typeof e.field !== "string") return "field is not a string";
  if (!(DOCUMENTED[status] ?? []).includes(e.code)) return `code ${e.code} is not documented for ${status}`;
  return null;
}

export interface Answer {
  status: number;
  headers: Headers;
  bytes: Uint8Array;
  ms: number;
  /** No complete answer within the client-side bound. */
  hung: boolean;
  /** The fetch failed (connection reset, runtime error). */
  failed: string | null;
}

const concat = (chunks: Uint8Array[], size: number) => {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
};

/** Sends one request to the Worker and reads the whole answer, bounded by `timeoutMs` (then aborted). */
export async function send(mf: Miniflare, path: string, init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array }, timeoutMs: number): Promise<Answer> {
  const started = performance.now();
  const ctrl = new AbortController();
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    ctrl.abort();
  }, timeoutMs);
  try {
    const res = (await mf.dispatchFetch(`${ORIGIN}${path}`, { method: init.method ?? "POST", headers: init.headers, body: init.body, signal: ctrl.signal } as never)) as unknown as Response;
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (res.body) {
      for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
        chunks.push(c);
        size += c.byteLength;
      }
    }
    return { status: res.status, headers: res.headers, bytes: concat(chunks, size), ms: performance.now() - started, hung: false, failed: null };
  } catch (e) {
    return { status: 0, headers: new Headers(), bytes: new Uint8Array(), ms: performance.now() - started, hung, failed: hung ? null : String((e as Error)?.message ?? e).slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `count` tasks with at most `concurrency` in flight; results in task order. */
export async function pool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}

export const percentile = (xs: readonly number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

export const utf8 = new TextDecoder();

/** The events of an SSE answer: [{event, data text}]. */
export const sseEvents = (text: string): { event: string; data: string }[] =>
  text.split("\n\n").filter((b) => b.trim()).map((block) => {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
    }
    return { event, data: data.join("\n") };
  });

/** The label of an answer for histograms: "200", "413 limit_exceeded", "200 sse-error deadline_exceeded", "hang", "fetch-failed". */
export function label(a: Answer): string {
  if (a.hung) return "hang";
  if (a.failed !== null) return "fetch-failed";
  const type = a.headers.get("content-type") ?? "";
  if (a.status >= 400 && a.bytes.byteLength === 0) return `${a.status} (no body)`;
  if (a.status >= 400) {
    try {
      return `${a.status} ${(JSON.parse(utf8.decode(a.bytes)) as { error: { code: string } }).error.code}`;
    } catch {
      return `${a.status} (not JSON)`;
    }
  }
  if (type.includes("event-stream")) {
    const err = sseEvents(utf8.decode(a.bytes)).find((e) => e.event === "error");
    if (err) {
      try {
        return `${a.status} sse-error ${(JSON.parse(err.data) as { error: { code: string } }).error.code}`;
      } catch {
        return `${a.status} sse-error (not JSON)`;
      }
    }
  }
  return String(a.status);
}

/** Contract problems of an answer (empty when it is fine): 500s, hangs, undocumented codes, bad error bodies.
 * An answer to HEAD has no body by HTTP's rules: only its status is checked. */
export function contractProblems(a: Answer, method = "POST"): string[] {
  if (a.hung) return ["no answer within the client-side bound"];
  if (a.failed !== null) return [`request failed: ${a.failed}`];
  const problems: string[] = [];
  if (a.status >= 500 && ![502, 503, 504].includes(a.status)) problems.push(`status ${a.status}`);
  if (a.status >= 400 && method === "HEAD" && !DOCUMENTED[a.status]) problems.push(`status ${a.status} is not documented`);
  if (a.status >= 400 && method !== "HEAD") {
    const p = errorShapeProblem(a.status, utf8.decode(a.bytes));
    if (p) problems.push(p);
  }
  if ((a.headers.get("content-type") ?? "").includes("event-stream")) {
    const events = sseEvents(utf8.decode(a.bytes));
    const last = events.at(-1);
    if (!last || (last.event !== "result" && last.event !== "error")) problems.push("stream ended without a result or error event");
    for (const e of events.filter((x) => x.event === "error")) {
      const err = (() => {
        try {
          return (JSON.parse(e.data) as { error: { code: string } }).error.code;
        } catch {
          return "";
        }
      })();
      const status = Object.entries(DOCUMENTED).find(([, codes]) => codes.includes(err))?.[0];
      const p = status ? errorShapeProblem(Number(status), e.data) : `stream error event with undocumented code ${JSON.stringify(err)}`;
      if (p) problems.push(p);
    }
  }
  return problems;
}

export const fmt = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : "-");

export const histogram = (labels: readonly string[]): [string, number][] => {
  const m = new Map<string, number>();
  for (const l of labels) m.set(l, (m.get(l) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
};
