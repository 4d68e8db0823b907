// Running the Worker locally with `wrangler dev`, for `npm start` (start.ts) and `npm run demo` (demo.ts,
// through wrangler's unstable_startWorker): the port, the environment that keeps a start quiet offline,
// the project root and the wrangler binary itself.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const DEFAULT_PORT = 8787;

/**
 * What wrangler and Miniflare reach for on every start: usage metrics, error reports, and the
 * `Request.cf` object from https://workers.cloudflare.com/cf.json. Offline the last prints
 * "Unable to fetch the `Request.cf` object!" with a `getaddrinfo ENOTFOUND workers.cloudflare.com`
 * stack, once per Miniflare start (twice per `wrangler dev`: before and after the custom build);
 * `send_metrics = false` in wrangler.toml does not stop it. A value already set in the environment wins.
 */
export const OFFLINE_ENV: Readonly<Record<string, string>> = {
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

export const devEnv = (base: Readonly<Record<string, string | undefined>> = process.env): NodeJS.ProcessEnv =>
  ({ ...OFFLINE_ENV, ...base }) as NodeJS.ProcessEnv;

export const START_USAGE = `usage: npm start [-- [--port N] [other wrangler dev options]]
  --port N   port to serve on (default ${DEFAULT_PORT}): http://localhost:N
Other options go to wrangler dev unchanged (npx wrangler dev --help lists them).`;

const portOf = (v: string | undefined): number => {
  const n = Number(v);
  if (v === undefined || v === "" || !Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`--port must be an integer in 1..65535, got ${v ?? "nothing"}`);
  return n;
};

/** `--port N` or `--port=N` (the last one given; default 8787), and every other argument, in order. */
export const parseStartArgs = (argv: readonly string[]): { port: number; rest: string[] } => {
  let port = DEFAULT_PORT;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--port") port = portOf(argv[++i]);
    else if (a.startsWith("--port=")) port = portOf(a.slice("--port=".length));
    else rest.push(a);
  }
  return { port, rest };
};

/** The project root, where wrangler.toml is: wrangler dev reads its configuration from its working directory. */
export const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The installed wrangler's command-line entry, run with this Node (no npx, no shell). */
export const wranglerBin = (): string => {
  const pkg = createRequire(import.meta.url).resolve("wrangler/package.json");
  return join(dirname(pkg), "bin", "wrangler.js");
};

/** Arguments of `node <wranglerBin> ...` for `wrangler dev` on `port`. */
export const wranglerDevArgs = (port: number, rest: readonly string[] = []): string[] => [wranglerBin(), "dev", "--port", String(port), ...rest];
