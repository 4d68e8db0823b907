// Loads build/core.wasm from disk for tests and benchmarks (the Worker imports it as a module instead).
import { readFileSync } from "node:fs";
import { instantiateCore, type Core } from "../../src/core/instance.ts";

let compiled: WebAssembly.Module | undefined;

export const coreModule = (): WebAssembly.Module => {
  // workers-types declares Module abstract (Workers cannot compile bytes); Node can.
  const NodeModule = WebAssembly.Module as unknown as new (bytes: Uint8Array) => WebAssembly.Module;
  compiled ??= new NodeModule(readFileSync(new URL("../../build/core.wasm", import.meta.url)));
  return compiled;
};

/** A fresh instance, as one request would get. */
export const newCore = (): Core => instantiateCore(coreModule());
