// The Python client (clients/python/) against the deploy bundle under workerd: runs its unittest file
// with Debian's python3 and the Worker's URL. Skipped only when that python3 has no numpy
// (.ci/run installs python3-numpy when it can).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Miniflare } from "miniflare";
import { startWorker } from "../helpers/worker.ts";

const PYTHON = "/usr/bin/python3";
const testFile = fileURLToPath(new URL("../../clients/python/test_client.py", import.meta.url));

const probe = spawnSync(PYTHON, ["-c", "import numpy"], { encoding: "utf8" });
const skip = probe.status === 0 ? false : `${PYTHON} cannot import numpy (${(probe.error?.message ?? probe.stderr?.trim().split("\n").at(-1)) || "unknown"}); install python3-numpy`;

describe("python client: the bundle under workerd", { skip }, () => {
  let open: Miniflare;
  let locked: Miniflare;
  before(() => {
    open = startWorker();
    locked = startWorker({ bindings: { API_TOKEN: "s3cret" } });
  });
  after(async () => {
    await open?.dispose();
    await locked?.dispose();
  });

  test("clients/python/test_client.py passes against it (samples as npy, stream, 422 with the field, token)", async () => {
    const args = [testFile, String(await open.ready), String(await locked.ready)];
    const run = await new Promise<{ code: number | null; output: string }>((resolve) => {
      execFile(PYTHON, args, { env: { ...process.env, TEST_TOKEN: "s3cret" }, timeout: 120_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
      );
    });
    assert.equal(run.code, 0, run.output);
    // Every test ran: none skipped for a missing URL or token.
    assert.match(run.output, /\nOK\n/, run.output);
    assert.doesNotMatch(run.output, /skipped/, run.output);
  });
});
