// Webhooks: one POST when a job succeeds or fails, its body signed with HMAC-SHA256 under the
// deployment's WEBHOOK_SECRET. The signed text is `<timestamp>.<body>` (the timestamp in Unix seconds,
// also sent in X-Signature-Timestamp), so a receiver can refuse replays of old deliveries:
//   X-Signature: sha256=<hex of HMAC-SHA256(secret, timestamp + "." + body)>
// A delivery is accepted when the receiver answers 2xx within the timeout; otherwise it is retried
// with backoff (JOB_RETRY.webhook), a bounded number of times.

export const SIGNATURE_HEADER = "x-signature";
export const TIMESTAMP_HEADER = "x-signature-timestamp";
export const EVENT_HEADER = "x-webhook-event";

const hex = (bytes: ArrayBuffer): string => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

/** Hex HMAC-SHA256 of `${timestamp}.${body}` under `secret`. */
export const signWebhook = async (secret: string, timestamp: number, body: string): Promise<string> => {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return hex(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${timestamp}.${body}`)));
};

export interface Delivery {
  ok: boolean;
  /** Why it failed: the status, or the connection error. */
  error?: string;
}

/** POSTs `body` to `url`, signed; never throws. */
export const deliverWebhook = async (url: string, event: string, body: string, secret: string, timeoutMs: number): Promise<Delivery> => {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = await signWebhook(secret, timestamp, body);
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "speculative-diffusion-jobs",
        [SIGNATURE_HEADER]: `sha256=${signature}`,
        [TIMESTAMP_HEADER]: String(timestamp),
        [EVENT_HEADER]: event,
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "manual",
    });
    await res.body?.cancel().catch(() => undefined);
    return res.status >= 200 && res.status < 300 ? { ok: true } : { ok: false, error: `answered ${res.status}` };
  } catch (e) {
    const name = e instanceof Error ? e.name : "";
    return { ok: false, error: name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : "connection failed" };
  }
};
