// Memory-bandwidth kernels after McCalpin's STREAM benchmark ("Memory Bandwidth and Machine Balance in
// Current High Performance Computers", IEEE TCCA Newsletter, 1995): Copy a = c and Triad a = b + q c,
// counted as 8 and 12 bytes moved per f32 element. bench/bandwidth.ts times them on buffers far larger
// than the last-level cache to give the single-core bandwidth the round kernels are judged against.
// ABI as in vector.ts: (out, in..., n) byte pointers (4-byte aligned), n elements; out may alias an input
// exactly (same pointer), never partially. Both are v128 loops (8 elements per iteration, so the loop is
// bound by memory, not by instruction count) with a scalar tail; results are exact for any n and alignment.

/** out[i] = x[i] for n f32 elements, an explicit load/store loop (not memory.copy): STREAM Copy. */
export function streamCopy(out: usize, x: usize, n: u32): void {
  let i: u32 = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    v128.store(out + o, v128.load(x + o));
    v128.store(out + o + 16, v128.load(x + o + 16));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(x + o));
  }
}

/** out[i] = b[i] + q * c[i] in f32 (q rounded to f32 once; product then sum, no fused multiply-add): STREAM Triad. */
export function streamTriad(out: usize, b: usize, q: f64, c: usize, n: u32): void {
  const s = <f32>q, vs = f32x4.splat(s);
  let i: u32 = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.add(v128.load(b + o), f32x4.mul(vs, v128.load(c + o))));
    v128.store(out + o + 16, f32x4.add(v128.load(b + o + 16), f32x4.mul(vs, v128.load(c + o + 16))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(b + o) + s * load<f32>(c + o));
  }
}
