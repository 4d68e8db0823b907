// `npm start [-- --port N]`: serves the Worker locally (wrangler dev) on http://localhost:N, 8787 by
// default, without wrangler's network look-ups at start (wrangler-dev.ts OFFLINE_ENV). Other options
// go to wrangler dev unchanged.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { devEnv, parseStartArgs, START_USAGE, wranglerDevArgs } from "./wrangler-dev.ts";

const argv = process.argv.slice(2).filter((a, i) => !(i === 0 && a === "--"));
if (argv.includes("--help") || argv.includes("-h")) {
  console.log(START_USAGE);
} else {
  let parsed: ReturnType<typeof parseStartArgs> | undefined;
  try {
    parsed = parseStartArgs(argv);
  } catch (err) {
    console.error(`start: ${(err as Error).message}\n${START_USAGE}`);
    process.exitCode = 2;
  }
  if (parsed) {
    const child = spawn(process.execPath, wranglerDevArgs(parsed.port, parsed.rest), { env: devEnv(), stdio: "inherit" });
    // Ctrl-C reaches wrangler from the terminal (same process group); a signal sent to this process alone is passed on.
    process.on("SIGINT", () => undefined);
    for (const sig of ["SIGTERM", "SIGHUP"] as const) process.on(sig, () => child.kill(sig));
    child.on("exit", (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 1)));
  }
}
