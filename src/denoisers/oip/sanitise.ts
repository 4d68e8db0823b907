// Text a provider wrote (an error body, a tensor name, a header) is not this Worker's to relay: a
// provider that echoes request headers would hand our credentials to the client. Clients get the
// status and this Worker's own words; provider text goes to the log, sanitised, or is quoted short.

// Reason phrases from this table, never the provider's (an HTTP/1.1 reason phrase is its text too).
const REASONS: Readonly<Record<number, string>> = {
  400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
  408: "Request Timeout", 409: "Conflict", 410: "Gone", 413: "Content Too Large", 415: "Unsupported Media Type",
  422: "Unprocessable Content", 429: "Too Many Requests", 500: "Internal Server Error", 501: "Not Implemented",
  502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
};

/** "503 (Service Unavailable)", or the bare number for a status without a standard phrase. */
export const statusText = (status: number): string => (REASONS[status] ? `${status} (${REASONS[status]})` : String(status));

const REDACTED = "[redacted]";
// Credentials in the forms servers print them: "Bearer <token>", "authorization: <value>", "api_key=<value>".
const SCHEME_TOKEN = /\b(bearer|basic|digest|token)(\s+)[^\s"',;]+/gi;
const NAMED_SECRET = /\b(authorization|proxy-authorization|x-api-key|api[-_]?key|access[-_]?token|token|secret|password|cookie)(["']?\s*[:=]\s*["']?)(?!\[redacted\])[^\s"',;}]+/gi;
// Control characters (C0, DEL, C1) would forge log lines or garble a message.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;

/** Header values this Worker sent that must never come back out (everything but the wire-format headers). */
export function secretsOf(headers: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (/^(content-type|content-length|inference-header-content-length|accept)$/i.test(name)) continue;
    out.push(value);
    const token = /^\S+\s+(\S+)$/.exec(value)?.[1]; // "Bearer abc": abc on its own too
    if (token) out.push(token);
  }
  // Short values would redact ordinary words; a credential is longer than this.
  return out.filter((s) => s.length >= 6).sort((a, b) => b.length - a.length);
}

/** `text` with every run of 8 or more characters that starts a secret masked: a provider may quote a credential
 * whole, cut short (quoted names are cut to 64 characters) or without its scheme. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    const head = secret.slice(0, Math.min(8, secret.length));
    let at = out.indexOf(head);
    while (at >= 0) {
      let n = head.length;
      while (n < secret.length && at + n < out.length && out[at + n] === secret[n]) n++;
      out = `${out.slice(0, at)}${REDACTED}${out.slice(at + n)}`;
      at = out.indexOf(head, at + REDACTED.length);
    }
  }
  return out;
}

/** `text` with the given secrets and anything credential-like masked, control characters collapsed, cut to `max` characters. */
export function sanitise(text: string, max: number, secrets: readonly string[] = []): string {
  // Work on a bounded prefix: a provider's body can be megabytes.
  let s = text.length > 4 * max + 256 ? text.slice(0, 4 * max + 256) : text;
  for (const secret of secrets) s = s.split(secret).join(REDACTED);
  s = s.replace(SCHEME_TOKEN, `$1$2${REDACTED}`).replace(NAMED_SECRET, `$1$2${REDACTED}`);
  s = s.replace(CONTROL, " ").replace(/\s+/g, " ").trim();
  return s.length <= max ? s : `${s.slice(0, max - 1)}\u2026`;
}

// Quoted provider values (tensor names, dtypes, shapes) are short in any real model.
const MAX_QUOTED = 64;

// Text of a provider value without serialising all of a large one.
const textOf = (v: unknown): string => {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return `[${v.slice(0, 8).map((x) => (typeof x === "object" && x !== null ? "..." : String(x))).join(",")}${v.length > 8 ? ",..." : ""}]`;
  if (typeof v === "object" && v !== null) return "an object";
  return String(v);
};

/** A provider-supplied value shown bare (a shape, a size): sanitised and cut short. */
export const shownValue = (v: unknown): string => sanitise(textOf(v), MAX_QUOTED);

/** A provider-supplied name for an error message: sanitised, cut short, in double quotes. */
export const quoted = (v: unknown): string => `"${shownValue(v)}"`;
