// Worker entry: the Hono app with core.wasm imported as a precompiled module and the OIP v2 provider,
// whose settings check runs when the model catalog loads (a bad entry is listed, not a 500 at use).
import coreModule from "../build/core.wasm";
import { createApp } from "./app.ts";
import { oipConfigOf, oipRemoteProvider } from "./denoisers/oip/index.ts";

export default createApp({ coreModule, providers: { oip: oipRemoteProvider() }, settingsChecks: { oip: oipConfigOf } });
