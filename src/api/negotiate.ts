// The answer format a request's Accept header asks for, used only when the body names no `output`
// (the body wins). Each format takes the quality of the most specific media range matching it
// (RFC 9110 section 12.5.1); the best quality wins, a more specific match breaking ties, then JSON.
import { parseAccept } from "hono/utils/accept";
import type { OutputFormat } from "./schemas/index.ts";

const FORMATS: readonly (readonly [OutputFormat, string])[] = [
  ["json", "application/json"],
  ["png", "image/png"],
  ["npy", "application/x-npy"],
];

/** How specifically `range` names `type`: 3 exactly, 2 as type/*, 1 as *\/*, 0 not at all. */
const specificity = (range: string, type: string): number => {
  if (range === type) return 3;
  if (range === "*/*" || range === "*") return 1;
  return range.endsWith("/*") && type.startsWith(range.slice(0, -1)) ? 2 : 0;
};

/** png for Accept: image/png (or image/*), npy for application/x-npy, json otherwise. */
export const outputFromAccept = (accept: string | undefined): OutputFormat => {
  if (!accept) return "json";
  const ranges = parseAccept(accept).map((r) => ({ type: r.type.toLowerCase(), q: r.q }));
  let best: { format: OutputFormat; q: number; specificity: number } = { format: "json", q: 0, specificity: 0 };
  for (const [format, type] of FORMATS) {
    let match = { q: 0, specificity: 0 };
    for (const r of ranges) {
      const s = specificity(r.type, type);
      if (s > match.specificity) match = { q: r.q, specificity: s };
    }
    if (match.q > best.q || (match.q === best.q && match.q > 0 && match.specificity > best.specificity)) best = { format, ...match };
  }
  return best.q > 0 ? best.format : "json";
};
