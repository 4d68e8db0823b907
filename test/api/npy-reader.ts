// An independent .npy v1.0 reader for tests (parses the header dict the way numpy's format spec reads).

export interface Npy {
  header: string;
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  dataOffset: number;
  data: Float32Array;
}

export const parseNpy = (bytes: Uint8Array): Npy => {
  const magic = String.fromCharCode(...bytes.subarray(1, 6));
  if (bytes[0] !== 0x93 || magic !== "NUMPY") throw new Error("not an npy file");
  if (bytes[6] !== 1 || bytes[7] !== 0) throw new Error(`npy version ${bytes[6]}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getUint16(8, true);
  const header = new TextDecoder("latin1").decode(bytes.subarray(10, 10 + headerLen));
  if (!header.endsWith("\n")) throw new Error("npy header does not end in a newline");
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1] ?? "";
  const fortranOrder = /'fortran_order':\s*True/.test(header);
  const dims = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? "";
  const shape = dims.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  const dataOffset = 10 + headerLen;
  const count = shape.reduce((p, n) => p * n, 1);
  if (bytes.byteLength - dataOffset !== 4 * count) throw new Error(`npy body has ${bytes.byteLength - dataOffset} bytes for ${count} floats`);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = view.getFloat32(dataOffset + 4 * i, true);
  return { header, descr, fortranOrder, shape, dataOffset, data };
};
