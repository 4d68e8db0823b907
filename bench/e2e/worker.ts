// Starts the dry-run bundle (dist/, or --dist DIR) in Miniflare with the given bindings, offline.
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { readdirSync } from "node:fs";
import { resolve } from "node:path";

/** Where the Worker's log lines go instead of the console (bench:reliability checks them for secrets). */
interface Extra {
  handleStructuredLogs?: (log: { level: string; message: string }) => void;
}

export const startBundle = (distDir: string, bindings: Record<string, string>, extra: Extra = {}): Miniflare => {
  const dist = resolve(distDir) + "/";
  return new Miniflare(
    convertV4MiniflareOptions({
      cf: false,
      name: "speculative-diffusion",
      modules: [
        { type: "ESModule" as const, path: `${dist}index.js` },
        ...readdirSync(dist).filter((f) => f.endsWith(".wasm")).map((f) => ({ type: "CompiledWasm" as const, path: `${dist}${f}` })),
      ],
      modulesRoot: dist,
      compatibilityDate: "2026-11-17",
      bindings,
      ...extra,
    }),
  );
};
