// The committed deployment of the learned model: wrangler.toml's `digits` entry loads, describes the
// model the ONNX file actually is (tensor names, row shape, prediction) and samples with the schedule it
// was trained with; the exported training images are the 1797 digits in [-1, 1]. No network, < 1 s.
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadModels } from "../../src/config/index.ts";
import { oipConfigOf } from "../../src/denoisers/oip/index.ts";
import { parseSchedulerConfig } from "../../src/sampler/scheduler/index.ts";
import { DIGITS_TENSOR_NAMES, loadOnnxDenoiser } from "../../tools/provider/onnx-model.ts";
import { DIGITS_MODEL_PATH, DIGITS_SHAPE, digitsSchedulerConfig, loadTrainImages } from "../../tools/learned/digits.ts";
import { committedModels } from "../../tools/fixtures/learned.ts";

const digits = () => loadModels(JSON.stringify(committedModels())).find("digits")!;

test("wrangler.toml MODELS loads, with digits an OIP model at the local reference provider", () => {
  const m = digits();
  assert.equal(m.provider, "oip");
  assert.deepEqual(m.shape, DIGITS_SHAPE);
  const oip = oipConfigOf(m);
  assert.equal(oip.baseUrl, "http://127.0.0.1:8000");
  assert.equal(oip.modelName, "digits");
  assert.equal(oip.wireDtype, "FP32");
  assert.equal(oip.predictionType, "epsilon");
});

test("its tensor names and row shape are the ONNX model's own", async () => {
  const oip = oipConfigOf(digits());
  assert.deepEqual(
    { inputName: oip.inputs.sample, timestepName: oip.inputs.timestep, outputName: oip.output },
    DIGITS_TENSOR_NAMES,
  );
  const onnx = await loadOnnxDenoiser(DIGITS_MODEL_PATH);
  try {
    assert.deepEqual(onnx.sampleShape, oip.sampleShape);
  } finally {
    await onnx.release();
  }
});

test("its scheduler reads the same as models/digits/scheduler_config.json (what the model trained with)", () => {
  const committed = parseSchedulerConfig(digits().scheduler);
  assert.deepEqual(committed, parseSchedulerConfig(digitsSchedulerConfig()));
  assert.equal(committed.clipSample, true);
});

test("train-images.npy: 1797 images of 64 pixels, values k / 8 - 1 for k in 0..16", () => {
  const { count, images } = loadTrainImages();
  assert.equal(count, 1797);
  assert.equal(images.length, 1797 * 64);
  assert.ok(images.every((v) => Number.isInteger((v + 1) * 8) && v >= -1 && v <= 1));
  // Every value occurs, and background dominates (digits are thin strokes on black).
  assert.equal(new Set(images).size, 17);
  assert.ok(images.filter((v) => v === -1).length / images.length > 0.4);
});
