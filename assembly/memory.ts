// Arena for the host: every buffer of a request lives in this one linear memory.

/** Allocates `bytes` (16-byte aligned, uninitialised) and returns the pointer; grows memory as needed. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

/** Grows memory, exactly, so that `bytes` more can be allocated without growing again (the bump allocator
 * would otherwise double memory on growth). Returns the memory size in pages afterwards. */
export function reserve(bytes: usize): i32 {
  const probe = heap.alloc(16);
  const end = probe + bytes + 16;
  const have = <usize>memory.size() << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >>> 16);
    if (memory.grow(pages) < 0) unreachable();
  }
  heap.free(probe);
  return memory.size();
}

/** Frees every allocation at once (stub runtime bump allocator); pointers held by the host become invalid. */
export function resetHeap(): void {
  heap.reset();
}

/** Build flags the host can check: bit 0 = SIMD compiled in. */
export function features(): u32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}
