// `glyphs`: 16x16 images, one component per (character, boldness, vertical shift, horizontal shift).
import { GLYPH_CHARS, GLYPH_HEIGHT, GLYPH_WIDTH, glyphBitmap } from "./font5x7.ts";
import { makeMixture, type GaussianMixture } from "./mixture.ts";

export const GLYPHS_SIDE = 16;
const SCALE = 2; // a 5x7 glyph becomes 10x14 pixels, leaving room to shift inside 16x16
const BOLD = [false, true]; // bold widens every stroke by one pixel to the right
const DY = [0, 2];
const DX = [2, 4];
const INK = 1;
const BACKGROUND = -1;
// Pixels are +-1 and neighbouring variants differ in dozens of pixels: s = 0.1 keeps modes distinct.
export const GLYPHS_STD = 0.1;

/** Number of components: characters x boldness x vertical x horizontal shifts (36 x 2 x 2 x 2 = 288). */
export const GLYPHS_COMPONENTS = GLYPH_CHARS.length * BOLD.length * DY.length * DX.length;

/** Which character and variant component k shows (component order is character-major). */
export const glyphComponent = (k: number) => {
  const dx = DX[k % DX.length];
  const dy = DY[Math.floor(k / DX.length) % DY.length];
  const bold = BOLD[Math.floor(k / (DX.length * DY.length)) % BOLD.length];
  const char = GLYPH_CHARS[Math.floor(k / (DX.length * DY.length * BOLD.length))];
  return { char, bold, dx, dy };
};

// One 16x16 image (row-major, y * 16 + x) of a glyph at offset (dx, dy).
function render(bitmap: boolean[][], bold: boolean, dx: number, dy: number, out: Float32Array): void {
  out.fill(BACKGROUND);
  for (let gy = 0; gy < GLYPH_HEIGHT * SCALE; gy++) {
    for (let gx = 0; gx < GLYPH_WIDTH * SCALE; gx++) {
      if (!bitmap[Math.floor(gy / SCALE)][Math.floor(gx / SCALE)]) continue;
      const y = dy + gy;
      out[y * GLYPHS_SIDE + dx + gx] = INK;
      if (bold) out[y * GLYPHS_SIDE + dx + gx + 1] = INK;
    }
  }
}

/** Builds the mixture (uniform weights); cheap, but callers should cache it. */
export const buildGlyphs = (): GaussianMixture => {
  const d = GLYPHS_SIDE * GLYPHS_SIDE;
  const means = new Float32Array(GLYPHS_COMPONENTS * d);
  for (let k = 0; k < GLYPHS_COMPONENTS; k++) {
    const { char, bold, dx, dy } = glyphComponent(k);
    render(glyphBitmap(char), bold, dx, dy, means.subarray(k * d, (k + 1) * d));
  }
  const weights = new Array<number>(GLYPHS_COMPONENTS).fill(1);
  return makeMixture("glyphs", [GLYPHS_SIDE, GLYPHS_SIDE], means, weights, GLYPHS_STD);
};
