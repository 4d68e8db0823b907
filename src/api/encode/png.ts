// A grid image of image-shaped samples, encoded by fast-png (maintained, pure JS, runs in workerd).
import { encode } from "fast-png";

export interface ImageLayout {
  channels: 1 | 3;
  height: number;
  width: number;
}

// Tiles are scaled up (nearest neighbour) to at least this many pixels a side, so 16x16 samples are visible.
const MIN_TILE = 64;
const GUTTER = 2;
const GUTTER_LEVEL = 96;

/** Where each sample goes in the grid: tiles scaled up to MIN_TILE pixels a side, with gutters. */
export const gridLayout = (count: number, img: ImageLayout) => {
  const scale = Math.max(1, Math.floor(MIN_TILE / Math.max(img.height, img.width)));
  const cols = Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / cols);
  const tileW = img.width * scale;
  const tileH = img.height * scale;
  return { scale, cols, tileW, tileH, width: cols * tileW + (cols + 1) * GUTTER, height: rows * tileH + (rows + 1) * GUTTER };
};

/** Bytes of the grid's raw pixels (the encoder's input; its output is at most about as large). */
export const gridBytes = (count: number, img: ImageLayout): number => {
  const g = gridLayout(count, img);
  return g.width * g.height * img.channels;
};

/** Values in `range` (default [-1, 1], diffusers' image range) map to 0..255; channels-first samples become RGB pixels. */
export const encodeGrid = (samples: Float32Array, count: number, img: ImageLayout, text: Record<string, string> = {}, range: readonly [number, number] = [-1, 1]): Uint8Array => {
  const [low, high] = range;
  const toByte = low === -1 && high === 1 ? unitToByte : (v: number) => unitToByte((2 * (v - low)) / (high - low) - 1);
  const { channels: ch, height: h, width: w } = img;
  const { scale, cols, tileW, tileH, width, height } = gridLayout(count, img);
  const pixels = new Uint8Array(width * height * ch).fill(GUTTER_LEVEL);
  const dim = ch * h * w;
  for (let n = 0; n < count; n++) {
    const x0 = GUTTER + (n % cols) * (tileW + GUTTER);
    const y0 = GUTTER + Math.floor(n / cols) * (tileH + GUTTER);
    for (let y = 0; y < tileH; y++) {
      for (let x = 0; x < tileW; x++) {
        const src = n * dim + Math.floor(y / scale) * w + Math.floor(x / scale);
        const dst = ((y0 + y) * width + x0 + x) * ch;
        for (let c = 0; c < ch; c++) pixels[dst + c] = toByte(samples[src + c * h * w]);
      }
    }
  }
  return encode({ width, height, data: pixels, depth: 8, channels: ch, text });
};

// NaN maps to 0 rather than poisoning the image.
const unitToByte = (v: number): number => (v > -1 ? (v < 1 ? Math.round((v + 1) * 127.5) : 255) : 0);
