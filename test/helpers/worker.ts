// Runs the dry-run bundle (dist/, the exact deploy artifact) in Miniflare (workerd).
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dist = fileURLToPath(new URL("../../dist/", import.meta.url));

export interface WorkerOptions {
  bindings?: Record<string, string>;
  /** Rate-limiting bindings, as wrangler.toml's [[ratelimits]] gives them: name to namespace and limit. */
  ratelimits?: Record<string, { namespace_id: string; simple: { limit: number; period?: 10 | 60 } }>;
}

// The bundle is index.js plus content-hashed .wasm files it imports by relative name.
const bundleModules = () => [
  { type: "ESModule" as const, path: `${dist}index.js` },
  ...readdirSync(dist)
    .filter((f) => f.endsWith(".wasm"))
    .map((f) => ({ type: "CompiledWasm" as const, path: `${dist}${f}` })),
];

/** Starts workerd on the bundle; the caller disposes it. No network, no telemetry. */
export const startWorker = (opts: WorkerOptions = {}): Miniflare =>
  // Miniflare 5 still accepts the flat v4 options through its converter; they read far better.
  new Miniflare(
    convertV4MiniflareOptions({
      cf: false,
      name: "speculative-diffusion",
      modules: bundleModules(),
      modulesRoot: dist,
      compatibilityDate: "2026-11-17",
      bindings: opts.bindings ?? {},
      ...(opts.ratelimits ? { ratelimits: opts.ratelimits } : {}),
    }),
  );
