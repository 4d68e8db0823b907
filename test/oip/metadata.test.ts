// A model whose metadata disagrees with the configuration is refused at the first call, with every
// disagreement named, before any row is sent.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { checkMetadata, oipDenoiser } from "../../src/denoisers/oip/index.ts";
import { evaluateRows } from "../../src/denoisers/collect.ts";
import { DenoiserBadResponseError, DenoiserRejectedRequestError } from "../../src/errors.ts";
import type { ModelMetadata } from "../../tools/provider/models.ts";
import { batchOf, configFor, mixture12, start, type Provider } from "./fixtures.ts";

const renameOutput = (m: ModelMetadata): ModelMetadata => ({ ...m, outputs: [{ ...m.outputs[0], name: "out" }] });
const fixedBatch = (m: ModelMetadata): ModelMetadata => ({ ...m, inputs: [{ ...m.inputs[0], shape: [8, 3, 4] }, m.inputs[1]] });
const extraInput = (m: ModelMetadata): ModelMetadata => ({ ...m, inputs: [...m.inputs, { name: "encoder_hidden_states", datatype: "FP32", shape: [-1, 77, 768] }] });
const boolTimestep = (m: ModelMetadata): ModelMetadata => ({ ...m, inputs: [m.inputs[0], { ...m.inputs[1], datatype: "BOOL", shape: [1] }] });

describe("oip metadata check", () => {
  let p: Provider;
  before(async () => {
    const mixture = mixture12();
    p = await start({
      models: [
        { name: "mix", mixture },
        { name: "renamed", mixture, declare: renameOutput },
        { name: "fixed-batch", mixture, declare: fixedBatch },
        { name: "conditional", mixture, declare: extraInput },
        { name: "bool-t", mixture, declare: boolTimestep },
      ],
    });
  });
  after(() => p.close());

  const refused = async (model: string, extra: Record<string, unknown>, ...patterns: RegExp[]) => {
    p.resetStats();
    const d = oipDenoiser(configFor(p, model, extra));
    await assert.rejects(evaluateRows(d, batchOf(2)), (e: unknown) => {
      assert.ok(e instanceof DenoiserBadResponseError, String(e));
      assert.match(e.message, new RegExp(`model "${model}" does not match its configuration`));
      for (const re of patterns) assert.match(e.message, re);
      return true;
    });
    assert.equal(p.stats().inferCalls, 0, "no rows sent");
    assert.equal(p.stats().metadataCalls, 1, "metadata is not retried");
  };

  test("wrong tensor names, all listed", () =>
    refused("mix", { inputs: { sample: "x", timestep: "t" }, output: "y" },
      /no input named "x" \(the model has "sample", "timestep"\)/, /no input named "t"/, /no output named "y" \(the model has "model_output"\)/));

  test("an output the configuration does not know", () => refused("renamed", {}, /no output named "model_output" \(the model has "out"\)/));

  test("wire dtype disagrees", () => refused("mix", { wire_dtype: "FP16" }, /input "sample" is FP32, configured wire_dtype is FP16/, /output "model_output" is FP32/));

  test("sample shape disagrees", () => refused("mix", { sample_shape: [12] }, /input "sample" has shape \[-1, 3, 4\], expected \[-1, 12\]/));

  test("a fixed batch dimension", () => refused("fixed-batch", {}, /fixed batch of 8/));

  test("a required input this client does not send", () => refused("conditional", {}, /input "encoder_hidden_states" is declared but not configured/));

  test("a timestep input of an unusable dtype and shape", () => refused("bool-t", {}, /input "timestep" is BOOL/, /shape \[1\], expected \[-1\] or \[-1, 1\]/));

  test("an unknown model is a 502 naming the 404, not retried", async () => {
    p.resetStats();
    const d = oipDenoiser(configFor(p, "nope"));
    await assert.rejects(evaluateRows(d, batchOf(1)), (e: unknown) => e instanceof DenoiserRejectedRequestError && /metadata of model "nope": provider answered 404/.test(e.message));
    const v = oipDenoiser(configFor(p, "mix", { model_version: "7" }));
    await assert.rejects(v.ready(), /provider answered 404/);
    assert.deepEqual(await oipDenoiser(configFor(p, "mix", { model_version: "1" })).ready(), { timestepDtype: "INT64", timestepRank: 1 });
  });

  test("metadata that is not an OIP model description", () => {
    const config = configFor(p, "mix");
    assert.throws(() => checkMetadata(config, { name: "mix" }), /metadata has no valid inputs\/outputs lists/);
    assert.throws(() => checkMetadata(config, null), DenoiserBadResponseError);
  });
});
