// A provider nobody listens on is "unreachable" (502 denoiser_unreachable), named by host and, on this
// machine, with the command that starts the reference provider; a provider that answered before and
// then drops connections stays "unavailable". workerd reports refused and dropped connections alike
// ("Network connection lost."), which the fake fetch below reproduces.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, describe, test } from "node:test";
import { oipDenoiser } from "../../src/denoisers/oip/index.ts";
import { evaluateRows } from "../../src/denoisers/collect.ts";
import { DenoiserUnavailableError, DomainError } from "../../src/errors.ts";
import { errorAnswer } from "../../src/api/errors.ts";
import { faultPlan } from "../../tools/provider/faults.ts";
import { batchOf, configFor, recordingSleep, start, type Provider } from "./fixtures.ts";

/** A port that was free a moment ago, and is closed now: connections to it are refused. */
const closedPort = async (): Promise<number> => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
};

const fakeProvider = (url: string) => ({ url, port: 0 }) as unknown as Provider;

const unreachable = (e: unknown): DomainError => {
  assert.ok(e instanceof DomainError, String(e));
  assert.equal(e.code, "denoiser_unreachable", e.message);
  return e;
};

// workerd's words for every failed connection, refused or dropped.
const workerdFetch = async (): Promise<Response> => {
  throw new Error("Network connection lost.");
};

describe("oip: an unreachable provider", () => {
  test("connection refused (Node fetch): denoiser_unreachable naming the host and how to start the local provider", async () => {
    const port = await closedPort();
    const d = oipDenoiser(configFor(fakeProvider(`http://127.0.0.1:${port}`), "digits"), { sleep: recordingSleep().sleep });
    await assert.rejects(evaluateRows(d, batchOf(2)), (e: unknown) => {
      const err = unreachable(e);
      assert.match(err.message, new RegExp(`^metadata of model "digits": cannot connect to the provider at 127\\.0\\.0\\.1:${port} \\(4 attempts; last: connection failed \\(`));
      assert.match(err.message, new RegExp(`Start it with: npm run provider -- --port ${port} --onnx digits=models/digits/model\\.onnx$`));
      const answer = errorAnswer(err);
      assert.equal(answer.status, 502);
      assert.equal(answer.body.error.code, "denoiser_unreachable");
      return true;
    });
  });

  test("workerd's 'Network connection lost.' before the provider ever answered: unreachable; localhost gets the hint", async () => {
    const d = oipDenoiser(configFor(fakeProvider("http://localhost:8123"), "unet"), { fetch: workerdFetch, sleep: recordingSleep().sleep });
    await assert.rejects(evaluateRows(d, batchOf(2)), (e: unknown) => {
      const err = unreachable(e);
      assert.match(err.message, /cannot connect to the provider at localhost:8123 \(4 attempts; last: connection failed \(Network connection lost\.\)\)/);
      assert.match(err.message, /npm run provider -- --port 8123 --onnx unet=PATH\/TO\/model\.onnx$/);
      return true;
    });
  });

  test("a remote host is named without its credentials or path, and gets no local hint", async () => {
    const config = configFor(fakeProvider("https://svc:hunter2secret@gpu.example.com:8443/kserve/prefix"), "unet");
    const d = oipDenoiser(config, { fetch: workerdFetch, sleep: recordingSleep().sleep });
    await assert.rejects(evaluateRows(d, batchOf(2)), (e: unknown) => {
      const err = unreachable(e);
      assert.match(err.message, /cannot connect to the provider at gpu\.example\.com:8443 /);
      assert.doesNotMatch(err.message, /hunter2|svc:|kserve|npm run provider/);
      return true;
    });
  });
});

describe("oip: a provider that answered, then drops connections", () => {
  let p: Provider;
  before(async () => void (p = await start()));
  after(() => p.close());

  test("workerd-style lost connections after the metadata answered: denoiser_unavailable, not unreachable", async () => {
    let calls = 0;
    // The metadata goes through; every infer call then fails the way workerd reports it.
    const fetchFn = async (url: string, init: RequestInit): Promise<Response> => {
      if (url.endsWith("/infer")) {
        calls++;
        throw new Error("Network connection lost.");
      }
      return fetch(url, init);
    };
    const d = oipDenoiser(configFor(p, "mix"), { fetch: fetchFn, sleep: recordingSleep().sleep });
    await assert.rejects(evaluateRows(d, batchOf(2)), (e: unknown) => {
      assert.ok(e instanceof DenoiserUnavailableError, String(e));
      assert.match(e.message, /4 lost the connection/);
      return true;
    });
    assert.equal(calls, 4);
  });

  test("dropped infer connections (Node fetch) stay unavailable", async () => {
    p.setFaults(faultPlan({}, { n: 1, fault: "drop" }));
    try {
      const d = oipDenoiser(configFor(p, "mix"), { sleep: recordingSleep().sleep });
      await assert.rejects(evaluateRows(d, batchOf(2)), DenoiserUnavailableError);
    } finally {
      p.setFaults(() => undefined);
    }
  });
});
