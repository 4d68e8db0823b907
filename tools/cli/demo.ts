// `npm run demo`: starts the Worker locally, samples glyphs to samples.png, stops it. One command from a
// fresh `npm ci` to an image. With `--model digits` (`npm run demo:digits`) it also starts the reference
// provider serving models/digits/model.onnx on the port wrangler.toml names.
// The Worker runs in this process through wrangler's unstable_startWorker (what `wrangler dev` runs:
// wrangler.toml, its custom build, workerd), ready when the promise resolves, so nothing is spawned or
// polled. It listens on port 0, so the OS gives it a free port when it binds, never 8787: a server
// already running there (`npm start`, another project) would otherwise answer the demo's requests.
import { join } from "node:path";
import { parseSampleArgs, type SampleArgs } from "./args.ts";
import { startProviderFor, type LocalProvider } from "./demo-provider.ts";
import { sample } from "./sample.ts";
import { OFFLINE_ENV, PROJECT_ROOT } from "./wrangler-dev.ts";

// Offline hygiene (no telemetry, no Cloudflare look-ups), plain output, and wrangler's warnings and errors
// only (its banner and bindings table are `npm start`'s); a value already set in the environment wins.
for (const [name, value] of Object.entries({ ...OFFLINE_ENV, NO_COLOR: "1", WRANGLER_LOG: "warn" })) process.env[name] ??= value;

type DevWorker = Awaited<ReturnType<typeof import("wrangler").unstable_startWorker>>;

const startDevWorker = async (): Promise<DevWorker> => {
  // Imported after the environment above is set: wrangler reads it as it loads.
  const { unstable_startWorker } = await import("wrangler");
  const worker = await unstable_startWorker({
    config: join(PROJECT_ROOT, "wrangler.toml"),
    // No persisted state (.wrangler/state): the demo's rate-limit count is its own, not shared with `npm start`.
    dev: { server: { hostname: "127.0.0.1", port: 0 }, inspector: false, watch: false, persist: false },
  });
  try {
    await worker.ready;
    return worker;
  } catch (err) {
    await worker.dispose();
    throw err;
  }
};

const main = async () => {
  const extra = process.argv.slice(2).filter((a, i) => !(i === 0 && a === "--"));
  let args: SampleArgs;
  let provider: LocalProvider | undefined;
  try {
    args = parseSampleArgs(extra);
    provider = await startProviderFor(String(args.body.model));
  } catch (err) {
    console.error(`demo: ${(err as Error).message}`);
    process.exitCode = 1;
    return;
  }
  if (provider) console.log(`reference provider serving ${args.body.model} on ${provider.url}`);
  console.log("starting the Worker (wrangler unstable_startWorker, as wrangler dev) ...");
  let worker: DevWorker | undefined;
  const stop = async () => {
    await worker?.dispose();
    await provider?.close();
  };
  // Ctrl-C stops workerd and the provider too, not only this process.
  process.once("SIGINT", () => void stop().finally(() => process.exit(130)));
  try {
    worker = await startDevWorker();
    const url = (await worker.url).href.replace(/\/+$/, "");
    console.log(`the Worker serves on ${url}`);
    console.log(await sample({ ...args, url }));
  } catch (err) {
    console.error(`demo: ${(err as Error).message}`);
    process.exitCode = 1;
  } finally {
    await stop();
  }
};

await main();
