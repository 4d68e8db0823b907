// Loads build/core.wasm from disk for tests (the Worker imports it as a module instead).
import { instantiateCore, type Core } from "../../src/core/instance.ts";
import { loadCoreModule } from "../../tools/core-module.ts";

export const coreModule = loadCoreModule;

/** A fresh instance, as one request would get. */
export const newCore = (): Core => instantiateCore(loadCoreModule());
