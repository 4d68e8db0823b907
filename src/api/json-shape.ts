// The shape of a JSON text, measured on its bytes in one iterative pass before anything parses it:
// how deep it nests and how many containers, strings and numbers it holds. Parsing multiplies the
// size of what it builds (an empty array costs tens of bytes of heap for its 3 bytes of text), and a
// deeply nested value overflows the stack of a recursive validator, so these are bounded up front.
import { LimitError } from "../errors.ts";
import { MIXTURE_LIMITS } from "../models/mixture.ts";
import { MAX_TRAIN_TIMESTEPS } from "../sampler/scheduler/config.ts";

export const JSON_LIMITS = {
  // body > model > means > row: 4 levels; scheduler > trained_betas: 3. Room for a pasted config's lists.
  depth: 8,
  // Arrays and objects: one per mixture component (a row of means) plus a handful of fixed ones.
  containers: MIXTURE_LIMITS.maxComponents + 64,
  // Keys and string values: a request has a few dozen (a pasted scheduler_config.json about 30).
  strings: 1024,
  // The largest inline mixture's means, its weights, and a full trained_betas table.
  numbers: MIXTURE_LIMITS.maxMeanValues + MIXTURE_LIMITS.maxComponents + MAX_TRAIN_TIMESTEPS + 64,
} as const;

export interface JsonShape {
  depth: number;
  containers: number;
  strings: number;
  numbers: number;
}

// Byte classes: what a byte outside a string does to the counts.
const OTHER = 0, QUOTE = 1, OPEN = 2, CLOSE = 3, NUMBER = 4, SEPARATOR = 5;
const CLASS = new Uint8Array(256);
CLASS[0x22] = QUOTE;
CLASS[0x5b] = CLASS[0x7b] = OPEN;
CLASS[0x5d] = CLASS[0x7d] = CLOSE;
CLASS[0x2d] = NUMBER;
for (let d = 0x30; d <= 0x39; d++) CLASS[d] = NUMBER;
for (const b of [0x2c, 0x3a, 0x20, 0x0a, 0x0d, 0x09]) CLASS[b] = SEPARATOR; // , : whitespace

/**
 * Counts the structure of JSON bytes without building anything (structural characters are ASCII,
 * which UTF-8 never uses inside a multi-byte character). Stops as soon as a count passes `limits`;
 * malformed text is counted as far as it goes (the parser reports it afterwards).
 */
export function measureJson(bytes: Uint8Array, limits: JsonShape = JSON_LIMITS): JsonShape {
  let depth = 0, maxDepth = 0, containers = 0, strings = 0, numbers = 0;
  // A number starts at its sign or first digit; its other characters (digits, . e E + -) continue it.
  let inNumber = false;
  const n = bytes.length;
  scan: for (let i = 0; i < n; i++) {
    switch (CLASS[bytes[i]]) {
      case QUOTE:
        // Skip the string; a backslash escapes the next byte.
        for (i++; i < n; i++) {
          const b = bytes[i];
          if (b === 0x22) break;
          if (b === 0x5c) i++;
        }
        if (++strings > limits.strings) break scan;
        inNumber = false;
        break;
      case OPEN:
        if (++depth > maxDepth) maxDepth = depth;
        if (depth > limits.depth || ++containers > limits.containers) break scan;
        inNumber = false;
        break;
      case CLOSE:
        depth--;
        inNumber = false;
        break;
      case NUMBER:
        if (!inNumber) {
          if (++numbers > limits.numbers) break scan;
          inNumber = true;
        }
        // The rest of the number in a tight loop: digits are most of a large body.
        while (i + 1 < n && CLASS[bytes[i + 1]] === NUMBER) i++;
        break;
      case SEPARATOR:
        inNumber = false;
        break;
    }
  }
  return { depth: maxDepth, containers, strings, numbers };
}

/** Throws LimitError (413) naming the first JSON limit the text exceeds. */
export function checkJsonShape(bytes: Uint8Array, limits: JsonShape = JSON_LIMITS): void {
  const shape = measureJson(bytes, limits);
  const over = (["depth", "containers", "strings", "numbers"] as const).find((k) => shape[k] > limits[k]);
  if (over === undefined) return;
  const what = { depth: "nests deeper than", containers: "holds more arrays and objects than", strings: "holds more keys and strings than", numbers: "holds more numbers than" }[over];
  throw new LimitError("body", `the JSON body ${what} this API ever needs; limit body_${over} is ${limits[over]}`);
}
