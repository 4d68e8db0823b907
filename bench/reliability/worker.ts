// The deploy bundle (dist/) in Miniflare, offline, as bench/e2e/worker.ts starts it, with the Worker's
// log lines handed to `onLog` instead of the console (the campaign checks them for secrets).
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { readdirSync } from "node:fs";
import { resolve } from "node:path";

export const startLoggedBundle = (distDir: string, bindings: Record<string, string>, onLog: (level: string, message: string) => void): Miniflare => {
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
      handleStructuredLogs: (log) => onLog(log.level, log.message),
    }),
  );
};
