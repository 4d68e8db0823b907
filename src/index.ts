// Worker entry: the Hono app with core.wasm imported as a precompiled module and the OIP v2 provider.
import coreModule from "../build/core.wasm";
import { createApp } from "./app.ts";
import { oipRemoteProvider } from "./denoisers/oip/index.ts";

export default createApp({ coreModule, providers: { oip: oipRemoteProvider() } });
