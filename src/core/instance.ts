// The one place that instantiates core.wasm and hands out typed views of its memory.
// One instance per request: an isolate serves requests concurrently and a request's
// chains live across awaits, so no wasm state is shared between requests.

/** A byte offset into a core instance's linear memory: a distinct type so that counts and values are never passed as pointers. */
export type Ptr = number & { readonly __wasmPointer: unique symbol };

/** The pointer `bytes` past `ptr` (row r of a block, field i of a record). */
export const offsetPtr = (ptr: Ptr, bytes: number): Ptr => (ptr + bytes) as Ptr;

/** Raw exports of core.wasm (pointers are byte offsets into `memory`). */
export interface CoreExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  reserve(bytes: number): number;
  resetHeap(): void;
  features(): number;
  [kernel: string]: unknown;
}

/** A per-request instance of core.wasm with an arena of f32/f64/u32 buffers. */
export interface Core {
  readonly raw: CoreExports;
  /** Allocates n f32 (zeroed) and returns the byte pointer. */
  allocF32(n: number): Ptr;
  allocF64(n: number): Ptr;
  allocU32(n: number): Ptr;
  /** Grows memory once, exactly, so that allocations of `bytes` in all (ALLOC_OVERHEAD each included) need no further growth. */
  reserve(bytes: number): void;
  /** Views are recreated on every call: memory may have grown since the last one. */
  f32(ptr: Ptr, n: number): Float32Array;
  f64(ptr: Ptr, n: number): Float64Array;
  u32(ptr: Ptr, n: number): Uint32Array;
  /** The pointer of a view into this instance's memory, or null for any other array. */
  ptrOf(view: Float32Array): Ptr | null;
}

/** Bytes an allocation may take beyond its size (16-byte alignment and the allocator's block header). */
export const ALLOC_OVERHEAD = 32;

export const instantiateCore = (module: WebAssembly.Module): Core => {
  const instance = new WebAssembly.Instance(module, { env: { abort: coreAbort } });
  const raw = instance.exports as unknown as CoreExports;
  const zeroed = (bytes: number): Ptr => {
    const ptr = raw.alloc(Math.max(bytes, 16)) as Ptr;
    new Uint8Array(raw.memory.buffer, ptr, bytes).fill(0);
    return ptr;
  };
  return {
    raw,
    allocF32: (n) => zeroed(n * 4),
    allocF64: (n) => zeroed(n * 8),
    allocU32: (n) => zeroed(n * 4),
    reserve: (bytes) => void raw.reserve(bytes),
    f32: (ptr, n) => new Float32Array(raw.memory.buffer, ptr, n),
    f64: (ptr, n) => new Float64Array(raw.memory.buffer, ptr, n),
    u32: (ptr, n) => new Uint32Array(raw.memory.buffer, ptr, n),
    ptrOf: (view) => (view.buffer === raw.memory.buffer ? (view.byteOffset as Ptr) : null),
  };
};

/** Reports the module's build flags for health checks. */
export const coreInfo = (core: Core) => {
  const flags = core.raw.features();
  return { simd: (flags & 1) === 1, memory_pages: core.raw.memory.buffer.byteLength / 65536 };
};

// AssemblyScript calls env.abort on a failed assertion; it must never be silently ignored.
function coreAbort(_msg: number, _file: number, line: number, column: number): never {
  throw new Error(`core.wasm aborted at ${line}:${column}`);
}
