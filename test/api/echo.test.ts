// Error answers quote what the client sent (a model id, a key, a value) but never all of a large one.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createApp } from "../../src/app.ts";
import { errorAnswer, MAX_FIELD_CHARS, MAX_MESSAGE_CHARS } from "../../src/api/errors.ts";
import { InvalidRequestError } from "../../src/errors.ts";
import { parseSchedulerConfig } from "../../src/sampler/scheduler/index.ts";
import { coreModule } from "../../tools/fixtures/core.ts";
import type { ErrorBody } from "./client.ts";

const app = createApp({ coreModule: coreModule() });
const post = (body: unknown) =>
  app.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

const answer = async (res: Response) => {
  const text = await res.text();
  return { status: res.status, text, error: (JSON.parse(text) as ErrorBody).error };
};

test("an 8 MB model id is refused without being echoed", async () => {
  const id = "m".repeat(8 * 2 ** 20);
  const a = await answer(await post({ model: id }));
  assert.equal(a.status, 422);
  assert.equal(a.error.field, "model");
  assert.ok(a.text.length < 1000, `answer of ${a.text.length} characters`);
  assert.match(a.error.message, /256 characters/);
});

test("an unknown model id of ordinary length is still named", async () => {
  const a = await answer(await post({ model: "no-such-model" }));
  assert.equal(a.status, 422);
  assert.match(a.error.message, /"no-such-model"/);
});

test("a 1 MB unknown key is named by its start only", async () => {
  const key = "k".repeat(2 ** 20);
  const a = await answer(await post({ model: "ring-2d", [key]: 1 }));
  assert.equal(a.status, 422);
  assert.ok(a.error.field!.length <= 64 && a.error.field!.startsWith("kkkk"), a.error.field);
  assert.ok(a.text.length < 1000, `answer of ${a.text.length} characters`);
});

test("a huge scheduler value is shown by its start or its kind", async () => {
  const name = `FlowMatch${"x".repeat(2 ** 20)}`;
  const a = await answer(await post({ model: "ring-2d", scheduler: { _class_name: name.slice(0, 200) } }));
  assert.equal(a.status, 422);
  assert.equal(a.error.field, "scheduler._class_name");
  assert.ok(a.text.length < 400, a.text);
  // Configs of MODELS entries reach the parser without the API schema in front.
  assert.throws(() => parseSchedulerConfig({ _class_name: name }), (e: InvalidRequestError) => e.message.length < 300 && /^"FlowMatchx+\u2026 is not implemented; supported: DDPMScheduler/.test(e.message));
  assert.throws(() => parseSchedulerConfig({ trained_betas: [Array(2 ** 20).fill(0.5)] }), (e: InvalidRequestError) => e.field === "scheduler.trained_betas[0]" && /got an array of 1048576$/.test(e.message));
  assert.throws(() => parseSchedulerConfig({ beta_schedule: "c".repeat(2 ** 20) }), (e: InvalidRequestError) => e.message.length < 200);
});

test("the error policy cuts any message and field to its bounds", () => {
  const a = errorAnswer(new InvalidRequestError("f".repeat(10_000), "x".repeat(100_000)));
  assert.equal(a.body.error.message.length, MAX_MESSAGE_CHARS);
  assert.equal(a.body.error.field!.length, MAX_FIELD_CHARS);
  assert.ok(a.body.error.message.endsWith("\u2026"));
});
