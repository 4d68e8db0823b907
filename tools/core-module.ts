// Node-side loading of build/core.wasm (tests, benchmarks, the reference provider). The Worker imports
// the .wasm as a precompiled module instead: Workers refuse to compile bytes at run time.
import { readFileSync } from "node:fs";

let compiled: WebAssembly.Module | undefined;

/** The compiled core module, compiled once per process. */
export const loadCoreModule = (): WebAssembly.Module => {
  // workers-types declares Module abstract (Workers cannot compile bytes); Node can.
  const NodeModule = WebAssembly.Module as unknown as new (bytes: Uint8Array) => WebAssembly.Module;
  compiled ??= new NodeModule(readFileSync(new URL("../build/core.wasm", import.meta.url)));
  return compiled;
};
