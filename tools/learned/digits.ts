// The committed digits model as Node code sees it: where its files are, its scheduler config, and the
// 1797 training images (models/digits/train-images.npy, written by train/export_train_images.py).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = new URL("../../models/digits/", import.meta.url);

export const DIGITS_MODEL_PATH = fileURLToPath(new URL("model.onnx", dir));
export const DIGITS_SHAPE = [1, 8, 8] as const;
export const DIGITS_DIM = 64;

/** models/digits/scheduler_config.json, as diffusers wrote it (clip_sample true, range 1). */
export const digitsSchedulerConfig = (): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL("scheduler_config.json", dir), "utf8")) as Record<string, unknown>;

// Pixel values 0..16 as the csv has them; v / 8 - 1 is digits_data.load_digits' [-1, 1] scaling, exact in float32.
const PIXEL_HALF = 8;

/** The training images, row-major (count x 64) in [-1, 1]; throws if the file is not the uint8 (n, 64) export. */
export const loadTrainImages = (): { count: number; images: Float32Array } => {
  const bytes = readFileSync(new URL("train-images.npy", dir));
  if (bytes[0] !== 0x93 || bytes.toString("latin1", 1, 6) !== "NUMPY" || bytes[6] !== 1) throw new Error("train-images.npy: not an npy v1 file");
  const headerLen = bytes.readUInt16LE(8);
  const header = bytes.toString("latin1", 10, 10 + headerLen);
  const shape = /'shape':\s*\((\d+),\s*(\d+)\)/.exec(header);
  if (!/'descr':\s*'\|u1'/.test(header) || !shape || Number(shape[2]) !== DIGITS_DIM) throw new Error(`train-images.npy: expected uint8 (n, 64), header ${header.trim()}`);
  const count = Number(shape[1]);
  const raw = bytes.subarray(10 + headerLen);
  if (raw.byteLength !== count * DIGITS_DIM) throw new Error(`train-images.npy: ${raw.byteLength} bytes for ${count} images`);
  return { count, images: Float32Array.from(raw, (v) => v / PIXEL_HALF - 1) };
};
