// Arena for the host: every buffer of a request lives in this one linear memory.

/** Allocates `bytes` (16-byte aligned, uninitialised) and returns the pointer; grows memory as needed. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

/** Frees every allocation at once (stub runtime bump allocator); pointers held by the host become invalid. */
export function resetHeap(): void {
  heap.reset();
}

/** Build flags the host can check: bit 0 = SIMD compiled in. */
export function features(): u32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}
