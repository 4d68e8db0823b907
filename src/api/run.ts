// Runs a planned request on a fresh core instance and answers it whole or as an event stream.
import type { Env } from "../env.ts";
import { instantiateCore } from "../core/instance.ts";
import { runSampler } from "../sampler/run.ts";
import { denoiserFor, yielding, type RemoteProviders } from "./denoiser.ts";
import { answerResponse, jsonBody } from "./encode/index.ts";
import type { SamplePlan } from "./plan.ts";
import { sseResponse } from "./sse.ts";

// Round events carry an x0 preview only for small requests: it is sent once per round.
export const PREVIEW_MAX_VALUES = 4096;

export interface RunDeps {
  coreModule: WebAssembly.Module;
  providers: RemoteProviders;
  env: Env;
  /** Aborts when the client disconnects. */
  signal?: AbortSignal;
}

export const answerPlan = async (plan: SamplePlan, deps: RunDeps): Promise<Response> => {
  // One instance per request: chains stay resident across the awaits of their rounds.
  const core = instantiateCore(deps.coreModule);
  const denoiser = denoiserFor(plan.model, core, deps.providers, deps.env);
  const shape = [plan.options.numChains, ...plan.model.shape];
  const seed = plan.options.seed;
  if (plan.stream) {
    return sseResponse(async function streamRounds(send, signal) {
      const preview = plan.options.numChains * denoiser.dim <= PREVIEW_MAX_VALUES;
      const run = await runSampler(core, yielding(denoiser), plan.options, { signal, preview, onRound: (e) => send("round", e) });
      send("result", jsonBody({ run, seed, shape }));
    }, deps.signal);
  }
  const run = await runSampler(core, denoiser, plan.options, { signal: deps.signal });
  return answerResponse({ run, seed, shape }, plan.output, plan.image);
};
