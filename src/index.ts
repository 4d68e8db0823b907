// Worker entry: the Hono app with core.wasm imported as a precompiled module and the OIP v2 provider,
// whose settings check runs when the model catalog loads (a bad entry is listed, not a 500 at use).
import coreModule from "../build/core.wasm";
import { createApp } from "./app.ts";
import { oipConfigOf, oipRemoteProvider } from "./denoisers/oip/index.ts";
import type { Env } from "./env.ts";
import { JobDurableObject } from "./jobs/durable.ts";

const deps = { coreModule, providers: { oip: oipRemoteProvider() }, settingsChecks: { oip: oipConfigOf } };

export default createApp(deps);

/** One Durable Object per job (wrangler.toml JOBS binding, docs/jobs.md), built from the same deps. */
export class JobRunner extends JobDurableObject {
  constructor(state: DurableObjectState, env: Env) {
    super(state, env, deps);
  }
}
