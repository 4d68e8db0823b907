// The deploy bundle (dist/) in Miniflare, offline, as bench/e2e/worker.ts starts it, with the Worker's
// log lines handed to `onLog` instead of the console (the campaign checks them for secrets).
import type { Miniflare } from "miniflare";
import { startBundle } from "../e2e/worker.ts";

export const startLoggedBundle = (distDir: string, bindings: Record<string, string>, onLog: (level: string, message: string) => void): Miniflare =>
  startBundle(distDir, bindings, { handleStructuredLogs: (log) => onLog(log.level, log.message) });
