// NumPy .npy format version 1.0 (numpy.lib.format): magic, header dict padded so data starts
// on a 64-byte boundary, then the raw little-endian float32 array in C order.

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const PREFIX = MAGIC.length + 2 + 2; // magic, version 1.0, u16 header length
const ALIGN = 64;

/** Encodes `data` with shape `shape` (product must equal data.length). */
export const encodeNpy = (data: Float32Array, shape: readonly number[]): Uint8Array => {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${dims}, }`;
  const padded = Math.ceil((PREFIX + dict.length + 1) / ALIGN) * ALIGN - PREFIX;
  const header = dict.padEnd(padded - 1, " ") + "\n";
  const out = new Uint8Array(PREFIX + header.length + 4 * data.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[PREFIX + i] = header.charCodeAt(i);
  // DataView with an explicit little-endian flag: the file says '<f4' whatever the host's byte order.
  const body = new DataView(out.buffer, PREFIX + header.length);
  for (let i = 0; i < data.length; i++) body.setFloat32(4 * i, data[i], true);
  return out;
};
