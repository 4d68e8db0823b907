// `rgb-256`: 256x256 RGB images (channels first, [3, 256, 256], 196,608 values) in about [-1, 1]:
// 4 smooth colour patterns, so image-sized requests run with no GPU and render as PNG.
import { makeMixture, type GaussianMixture } from "./mixture.ts";

export const RGB_SIDE = 256;
export const RGB_SHAPE = [3, RGB_SIDE, RGB_SIDE] as const;
// Means lie in [-0.8, 0.8]: with s = 0.1 a sample leaves [-1, 1] only in its 2-sigma tail.
export const RGB_STD = 0.1;

type Rgb = readonly [number, number, number];
// A pattern maps pixel centre (u, v) in (0, 1)^2 (u right, v down) to t in [0, 1], blended from colour a to b.
// Only +, -, *, /, sqrt, floor, abs: correctly rounded, so identical on every engine.
interface Pattern { readonly name: string; readonly a: Rgb; readonly b: Rgb; readonly t: (u: number, v: number) => number }

const PATTERNS: readonly Pattern[] = [
  { name: "horizontal red to blue", a: [0.8, -0.6, -0.8], b: [-0.8, -0.4, 0.8], t: (u) => u },
  { name: "vertical sky to grass", a: [-0.6, 0.2, 0.8], b: [-0.2, 0.6, -0.6], t: (_u, v) => v },
  { name: "yellow disc fading to purple", a: [0.8, 0.7, -0.6], b: [-0.6, -0.8, -0.2],
    t: (u, v) => Math.min(1, 2 * Math.sqrt((u - 0.5) * (u - 0.5) + (v - 0.5) * (v - 0.5))) },
  // Triangle wave along the diagonal: 8 light and 8 teal bands, continuous (no hard edges).
  { name: "diagonal light/teal stripes", a: [0.8, 0.8, 0.8], b: [-0.8, 0.2, 0.2],
    t: (u, v) => { const f = 4 * (u + v); return Math.abs(2 * (f - Math.floor(f)) - 1); } },
];

export const RGB_COMPONENTS = PATTERNS.length;
/** The patterns' names in component order. */
export const RGB_PATTERNS: readonly string[] = PATTERNS.map((p) => p.name);

/** Builds the mixture (equal weights), channel planes R, G, B per component; callers cache it. */
export const buildRgb256 = (): GaussianMixture => {
  const plane = RGB_SIDE * RGB_SIDE;
  const dim = 3 * plane;
  const means = new Float32Array(RGB_COMPONENTS * dim);
  PATTERNS.forEach(({ a, b, t }, k) => {
    for (let y = 0; y < RGB_SIDE; y++) {
      for (let x = 0; x < RGB_SIDE; x++) {
        const w = t((x + 0.5) / RGB_SIDE, (y + 0.5) / RGB_SIDE);
        for (let c = 0; c < 3; c++) means[k * dim + c * plane + y * RGB_SIDE + x] = a[c] + w * (b[c] - a[c]);
      }
    }
  });
  const weights = new Array<number>(RGB_COMPONENTS).fill(1);
  return makeMixture("rgb-256", RGB_SHAPE, means, weights, RGB_STD);
};
