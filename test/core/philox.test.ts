// Philox4x32-10 against the Random123 known answers, and the 4-lane SIMD variant against the scalar one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { newCore } from "../../tools/fixtures/core.ts";
import { philoxBlock } from "../../src/core/random.ts";
import type { Core } from "../../src/core/instance.ts";

type Block = [number, number, number, number];

const block = (core: Core, counter: Block, key: [number, number]): number[] => {
  const out = core.allocU32(4);
  philoxBlock(core, out, counter, key);
  return Array.from(core.u32(out, 4));
};

// Random123 kat_vectors, philox4x32_10: counter[4] key[2] -> out[4].
const KNOWN: [Block, [number, number], Block][] = [
  [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
  [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
];

test("philox4x32 matches the Random123 known answers", () => {
  const core = newCore();
  for (const [counter, key, expected] of KNOWN) assert.deepEqual(block(core, counter, key), expected);
});

test("philox4x32x4 equals four scalar blocks, lane i = counter c0 + i (wrapping)", () => {
  const core = newCore();
  const raw = core.raw as unknown as { philox4x32x4(out: number, ...w: number[]): void };
  const out = core.allocU32(16);
  const cases: [Block, [number, number]][] = [
    ...KNOWN.map(([c, k]) => [c, k] as [Block, [number, number]]),
    [[0xfffffffe, 7, 8, 9], [1, 2]],
    [[123456789, 0xdeadbeef, 42, 0x80000000], [0xcafef00d, 0x01234567]],
  ];
  for (const [[c0, c1, c2, c3], key] of cases) {
    raw.philox4x32x4(out, c0, c1, c2, c3, key[0], key[1]);
    const lanes = Array.from(core.u32(out, 16));
    for (let i = 0; i < 4; i++) {
      const scalar = block(core, [(c0 + i) >>> 0, c1, c2, c3], key);
      assert.deepEqual([lanes[i], lanes[4 + i], lanes[8 + i], lanes[12 + i]], scalar, `block c0 + ${i}`);
    }
  }
});

test("a one-bit change of any counter or key word changes every output word", () => {
  const core = newCore();
  const counter: Block = [5, 6, 7, 8];
  const key: [number, number] = [9, 10];
  const base = block(core, counter, key);
  for (let w = 0; w < 6; w++) {
    for (const bit of [0, 17, 31]) {
      const c = [...counter] as Block;
      const k = [...key] as [number, number];
      if (w < 4) c[w] = (c[w] ^ (1 << bit)) >>> 0;
      else k[w - 4] = (k[w - 4] ^ (1 << bit)) >>> 0;
      const other = block(core, c, k);
      for (let i = 0; i < 4; i++) assert.notEqual(other[i], base[i], `word ${w} bit ${bit} -> out ${i}`);
    }
  }
});
