// Worker entry: the Hono app with core.wasm imported as a precompiled module.
import coreModule from "../build/core.wasm";
import { createApp } from "./app.ts";

export default createApp({ coreModule });
