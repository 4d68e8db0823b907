// Runs a planned request on a fresh core instance and answers it whole or as an event stream, within
// the model's deadline, only while the client is there, and holding its memory estimate against the
// isolate's budget for as long as it runs.
import type { Context } from "hono";
import type { Env } from "../env.ts";
import { instantiateCore } from "../core/instance.ts";
import { admit } from "./admission.ts";
import { deadlineOf, deadlineReason, runSignal, untilAborted } from "./deadline.ts";
import { denoiserFor, stagesFor, type RemoteProviders } from "./denoiser.ts";
import { samplePipeline } from "./pipeline.ts";
import { answerResponse, jsonBody } from "./encode/index.ts";
import type { SamplePlan } from "./plan.ts";
import { coalescedRounds, STREAM_EVENTS } from "./round-events.ts";
import { sseResponse, type Send } from "./sse.ts";

export interface RunDeps {
  coreModule: WebAssembly.Module;
  providers: RemoteProviders;
  env: Env;
  /** The request's context: its signal aborts when the client disconnects (workerd's request.signal); a stream is answered through it. */
  context: Context;
}

// nginx's "client closed request": nobody reads it, and it keeps a disconnect out of the 500 logs.
const CLIENT_GONE = 499;

export const answerPlan = async (plan: SamplePlan, deps: RunDeps): Promise<Response> => {
  const release = admit(plan.memoryBytes);
  let streaming = false;
  try {
    // One instance per request: chains stay resident across the awaits of their rounds.
    const core = instantiateCore(deps.coreModule);
    const denoiser = denoiserFor(plan.model, core, deps.providers, deps.env);
    const stages = stagesFor(plan.model, deps.providers, deps.env);
    const deadline = deadlineOf(plan.model);
    if (plan.stream) {
      streaming = true;
      return sseResponse(deps.context, async function streamRounds(send, clientGone) {
        const run = runSignal(deadline, plan.model.id, clientGone);
        // Every write gives up at the deadline too: a client that stays connected but stops reading would
        // otherwise hold the run, its memory reservation and the isolate's memory.
        const bounded: Send = (event, data) => untilAborted(send(event, data), run.signal);
        const rounds = coalescedRounds(bounded);
        const preview = plan.options.numChains * denoiser.dim <= STREAM_EVENTS.previewValues;
        try {
          const answer = await samplePipeline(plan, core, denoiser, stages, { signal: run.signal, preview, onRound: rounds.onRound });
          await rounds.flush();
          await bounded("result", jsonBody(answer));
        } catch (e) {
          // A deadline is reported in-band like any domain error (sse.ts); a client that left hears nothing.
          throw deadlineReason(run.signal) ?? e;
        } finally {
          run.clear();
          release();
        }
      }, { "x-seed": String(plan.options.seed) });
    }
    const signal = deps.context.req.raw.signal;
    const run = runSignal(deadline, plan.model.id, signal);
    try {
      const answer = await samplePipeline(plan, core, denoiser, stages, { signal: run.signal });
      return answerResponse(answer, plan.output, plan.image);
    } catch (e) {
      const late = deadlineReason(run.signal);
      if (late) throw late;
      if (signal.aborted) return new Response(null, { status: CLIENT_GONE });
      throw e;
    } finally {
      run.clear();
    }
  } finally {
    if (!streaming) release();
  }
};
