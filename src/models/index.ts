// Analytic models: built-ins by id (built lazily, once per isolate) and inline mixtures.
import { InvalidRequestError } from "../errors.ts";
import { buildGlyphs, GLYPHS_COMPONENTS, GLYPHS_SIDE, GLYPHS_STD } from "./glyphs.ts";
import { buildLatent16, LATENT_COMPONENTS, LATENT_SHAPE, LATENT_STD } from "./latent16.ts";
import { buildMixture512, M512_COMPONENTS, M512_DIM, M512_STD } from "./mixture512.ts";
import type { GaussianMixture } from "./mixture.ts";
import { buildRgb256, RGB_COMPONENTS, RGB_SHAPE, RGB_STD } from "./rgb256.ts";
import { buildRing2d, RING_COMPONENTS, RING_STD } from "./ring2d.ts";
import { validateMixture } from "./validate.ts";

export { componentCount, makeMixture, MIXTURE_LIMITS, type GaussianMixture } from "./mixture.ts";
export { validateMixture } from "./validate.ts";
export { GLYPH_CHARS } from "./font5x7.ts";
export { glyphComponent } from "./glyphs.ts";

/** What a client can learn about a built-in without building it. */
export interface BuiltinModelInfo {
  readonly id: string;
  readonly shape: readonly number[];
  readonly components: number;
  readonly std: number;
  readonly description: string;
}

const BUILTINS: ReadonlyArray<BuiltinModelInfo & { build: () => GaussianMixture }> = [
  { id: "ring-2d", shape: [2], components: RING_COMPONENTS, std: RING_STD, build: buildRing2d,
    description: "8 equal Gaussians on a circle of radius 3, s = 0.3" },
  { id: "gmm-512", shape: [M512_DIM], components: M512_COMPONENTS, std: M512_STD, build: buildMixture512,
    description: "8 Gaussians in d = 512, seeded means (unit per-coordinate variance overall), weights proportional to k + 4, s = 0.5" },
  { id: "glyphs", shape: [GLYPHS_SIDE, GLYPHS_SIDE], components: GLYPHS_COMPONENTS, std: GLYPHS_STD, build: buildGlyphs,
    description: "16x16 images in [-1, 1] of a 5x7 font (0-9, A-Z) scaled 2x, regular/bold, 4 placements; s = 0.1" },
  { id: "latent-16x128", shape: LATENT_SHAPE, components: LATENT_COMPONENTS, std: LATENT_STD, build: buildLatent16,
    description: "SD3/Flux latent size [16, 128, 128] (262,144 values): 4 equal Gaussians, seeded means (unit per-coordinate variance overall), s = 0.5" },
  { id: "rgb-256", shape: RGB_SHAPE, components: RGB_COMPONENTS, std: RGB_STD, build: buildRgb256,
    description: "256x256 RGB images [3, 256, 256] in about [-1, 1]: 4 equal smooth colour patterns (gradients, disc, stripes), s = 0.1" },
];

// Immutable once built; shared by every request of the isolate (read-only, never handed to wasm by reference).
const cache = new Map<string, GaussianMixture>();

/** Ids, shapes and descriptions of the built-in models. */
export const builtinModels = (): BuiltinModelInfo[] =>
  BUILTINS.map(({ id, shape, components, std, description }) => ({ id, shape, components, std, description }));

/** The built-in mixture `id`, or undefined. */
export const builtinModel = (id: string): GaussianMixture | undefined => {
  const entry = BUILTINS.find((b) => b.id === id);
  if (!entry) return undefined;
  let m = cache.get(id);
  if (!m) {
    m = entry.build();
    cache.set(id, m);
  }
  return m;
};

/** A request's model: a built-in id or an inline `{"type":"gmm",...}`; errors name `path`. */
export const resolveModel = (spec: unknown, path = "model"): GaussianMixture => {
  if (typeof spec === "string") {
    const m = builtinModel(spec);
    if (!m) throw new InvalidRequestError(path, `${path} "${spec}" is not a built-in model (${BUILTINS.map((b) => b.id).join(", ")})`);
    return m;
  }
  return validateMixture(spec, path);
};

