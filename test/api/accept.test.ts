// Accept negotiates the answer format when the body names no `output`; the body's output always wins.
import assert from "node:assert/strict";
import { test } from "node:test";
import { decode } from "fast-png";
import { createApp } from "../../src/app.ts";
import { outputFromAccept } from "../../src/api/negotiate.ts";
import { coreModule } from "../../tools/fixtures/core.ts";
import type { ErrorBody, SampleBody } from "./client.ts";
import { parseNpy } from "./npy-reader.ts";

const app = createApp({ coreModule: coreModule() });

const post = (body: unknown, accept?: string) =>
  app.request("/v1/samples", {
    method: "POST",
    headers: { "content-type": "application/json", ...(accept === undefined ? {} : { accept }) },
    body: JSON.stringify(body),
  });

const ring = { model: "ring-2d", num_samples: 3, steps: 10, seed: 5 };
const glyphs = { model: "glyphs", num_samples: 2, steps: 10, seed: 5 };

test("outputFromAccept: media ranges, q-values and specificity", () => {
  const cases: [string | undefined, string][] = [
    [undefined, "json"], ["", "json"], ["*/*", "json"], ["application/json", "json"],
    ["image/png", "png"], ["IMAGE/PNG", "png"], ["image/*", "png"], ["image/png, */*;q=0.8", "png"],
    ["application/x-npy", "npy"], ["application/x-npy;q=0.9, image/png;q=0.8", "npy"],
    ["image/png;q=0.5, application/json", "json"], ["application/json, image/png", "json"], ["application/*", "json"],
    ["image/png;q=0", "json"], ["text/event-stream", "json"],
    // A browser navigating asks for images it would display, not for png by name.
    ["text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8", "json"],
  ];
  for (const [accept, want] of cases) assert.equal(outputFromAccept(accept), want, String(accept));
});

test("Accept: image/png answers a PNG grid, Accept: application/x-npy an npy file, no Accept JSON; same samples", async () => {
  const json = await post(glyphs);
  assert.match(json.headers.get("content-type") ?? "", /^application\/json/);
  const samples = ((await json.json()) as SampleBody).samples;

  const png = await post(glyphs, "image/png");
  assert.equal(png.status, 200);
  assert.equal(png.headers.get("content-type"), "image/png");
  assert.equal(png.headers.get("x-seed"), "5");
  const image = decode(new Uint8Array(await png.arrayBuffer()));
  assert.equal(image.text.seed, "5");
  assert.ok(image.width > 16 && image.height > 16);

  const npy = await post(glyphs, "application/x-npy");
  assert.equal(npy.status, 200);
  assert.equal(npy.headers.get("content-type"), "application/x-npy");
  const arr = parseNpy(new Uint8Array(await npy.arrayBuffer()));
  assert.deepEqual(arr.shape, samples.shape);
  assert.deepEqual([...arr.data], samples.data);
});

test("the body's output wins over Accept", async () => {
  const res = await post({ ...glyphs, output: "json" }, "image/png");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  assert.equal(((await res.json()) as SampleBody).seed, 5);
  const npy = await post({ ...ring, output: "npy" }, "image/png");
  assert.equal(npy.headers.get("content-type"), "application/x-npy");
});

test("Accept: image/png for a model that is not an image: 422 on output, saying Accept asked for it", async () => {
  const res = await post(ring, "image/png");
  assert.equal(res.status, 422);
  const body = (await res.json()) as ErrorBody;
  assert.equal(body.error.field, "output");
  assert.match(body.error.message, /Accept: image\/png/);
  // The same model with Accept: application/x-npy is served.
  const npy = await post(ring, "application/x-npy");
  assert.equal(npy.status, 200);
  assert.deepEqual(parseNpy(new Uint8Array(await npy.arrayBuffer())).shape, [3, 2]);
});

test("a stream asked for in the body answers events whatever Accept prefers; an explicit binary output still cannot stream", async () => {
  const res = await post({ ...glyphs, stream: true }, "image/png");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
  assert.match(await res.text(), /event: result/);
  const refused = await post({ ...glyphs, stream: true, output: "png" });
  assert.equal(refused.status, 422);
  assert.equal(((await refused.json()) as ErrorBody).error.field, "stream");
});
