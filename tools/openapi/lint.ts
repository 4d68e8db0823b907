// Lints the app's OpenAPI document with Redocly CLI under redocly.yaml (the recommended rules), offline:
// the document comes from the app built in Node (createApp, no server) through app.request, is written
// to a temporary file, and Redocly runs with telemetry and its update check off (no network).
//   npm run lint:openapi                      human-readable report; exit status 1 when any error
//   npm run lint:openapi -- --format=json     Redocly's JSON report
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createApp } from "../../src/app.ts";
import { coreModule } from "../fixtures/core.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const REDOCLY_CONFIG = join(ROOT, "redocly.yaml");

// The installed CLI run by this Node, never `npx` (which may look the package up online).
const redoclyBin = (): string => {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve("@redocly/cli/package.json");
  const bin = (require(pkgPath) as { bin: Record<string, string> }).bin.redocly;
  return join(dirname(pkgPath), bin);
};

/** GET /openapi.json of the app as the Worker builds it. */
export const openApiDocument = async (): Promise<Record<string, unknown>> => {
  const res = await createApp({ coreModule: coreModule() }).request("/openapi.json");
  if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
};

export interface LintRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `redocly lint` on `doc` (written to a temporary file, removed after) with redocly.yaml. */
export const lintDocument = (doc: unknown, args: readonly string[] = []): LintRun => {
  const dir = mkdtempSync(join(tmpdir(), "openapi-lint-"));
  try {
    const file = join(dir, "openapi.json");
    writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
    const r = spawnSync(process.execPath, [redoclyBin(), "lint", file, `--config=${REDOCLY_CONFIG}`, ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" },
      timeout: 120_000,
    });
    if (r.error) throw r.error;
    return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

if (import.meta.main) {
  const run = lintDocument(await openApiDocument(), process.argv.slice(2));
  process.stdout.write(run.stdout);
  process.stderr.write(run.stderr);
  process.exitCode = run.status;
}
