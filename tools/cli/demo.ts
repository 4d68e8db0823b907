// `npm run demo`: starts the Worker locally (wrangler dev), samples glyphs to samples.png, stops it.
// One command from a fresh `npm ci` to an image. With `--model digits` (`npm run demo:digits`) it also
// starts the reference provider serving models/digits/model.onnx on the port wrangler.toml names.
// The Worker gets a port the OS reports free, never 8787: a server already running there (`npm start`,
// another project) would otherwise answer the demo's requests.
import { spawn } from "node:child_process";
import { parseSampleArgs, type SampleArgs } from "./args.ts";
import { startProviderFor, type LocalProvider } from "./demo-provider.ts";
import { sample } from "./sample.ts";
import { devEnv, freePort, PROJECT_ROOT, wranglerDevArgs } from "./wrangler-dev.ts";

const START_TIMEOUT_MS = 120_000;

// Offline hygiene (no telemetry, no Cloudflare look-ups) and plain output.
const env = { ...devEnv(), NO_COLOR: "1" };

const waitForHealth = async (url: string, exited: () => boolean): Promise<void> => {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited()) throw new Error("wrangler dev exited before serving");
    try {
      if ((await fetch(`${url}/v1/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no answer from ${url}/v1/health within ${START_TIMEOUT_MS / 1000} s`);
};

const main = async () => {
  const extra = process.argv.slice(2).filter((a, i) => !(i === 0 && a === "--"));
  let args: SampleArgs;
  let provider: LocalProvider | undefined;
  let port: number;
  try {
    port = await freePort();
    args = parseSampleArgs(["--url", `http://127.0.0.1:${port}`, ...extra]);
    provider = await startProviderFor(String(args.body.model));
  } catch (err) {
    console.error(`demo: ${(err as Error).message}`);
    process.exitCode = 1;
    return;
  }
  if (provider) console.log(`reference provider serving ${args.body.model} on ${provider.url}`);
  console.log(`starting the Worker on ${args.url} (wrangler dev) ...`);
  const server = spawn(process.execPath, wranglerDevArgs(port, ["--ip", "127.0.0.1", "--show-interactive-dev-session=false"]), {
    env,
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    detached: true, // its own process group, so stopping it also stops workerd
  });
  let exited = false;
  server.on("exit", () => (exited = true));
  try {
    await waitForHealth(args.url, () => exited);
    console.log(await sample(args));
  } catch (err) {
    console.error(`demo: ${(err as Error).message}`);
    process.exitCode = 1;
  } finally {
    if (server.pid) await stopGroup(server.pid);
    await provider?.close();
  }
};

const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

// wrangler exits on SIGTERM but workerd may linger while it drains: wait, then insist.
const stopGroup = async (pgid: number): Promise<void> => {
  if (!groupAlive(pgid)) return;
  process.kill(-pgid, "SIGTERM");
  for (let i = 0; i < 50 && groupAlive(pgid); i++) await new Promise((r) => setTimeout(r, 100));
  if (groupAlive(pgid)) process.kill(-pgid, "SIGKILL");
};

await main();
