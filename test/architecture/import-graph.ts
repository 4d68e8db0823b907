// The import graph of a TypeScript tree and its cycles. A small scanner, not a parser: it reads
// import/export declarations that start a line (how this code base writes them, one statement each)
// and `import("...")` expressions, `import type` included: a type-only cycle still couples two files.
import { readdirSync, readFileSync } from "node:fs";
import { posix } from "node:path";

/** File path (posix, relative to the tree's root) to the files it imports. */
export type ImportGraph = Map<string, string[]>;

// `from` then a string closes every import/export declaration that names a module; [^;'"`] keeps a
// match inside one statement and out of string literals.
const FROM = /^[ \t]*(?:import|export)\b[^;'"`]*?\bfrom\s*(["'])([^"'\n]+)\1/gm;
const BARE = /^[ \t]*import\s*(["'])([^"'\n]+)\1/gm;
const DYNAMIC = /\bimport\s*\(\s*(["'])([^"'\n]+)\1\s*\)/g;
const COMMENT_LINE = /^[ \t]*(?:\/\/|\*|\/\*).*$/gm;

/** The module specifiers a source file imports or re-exports, in order of appearance, without repeats. */
export function specifiersOf(source: string): string[] {
  const code = source.replace(COMMENT_LINE, "");
  const found: Array<[number, string]> = [];
  for (const re of [FROM, BARE, DYNAMIC]) for (const m of code.matchAll(re)) found.push([m.index, m[2]]);
  return [...new Set(found.sort((a, b) => a[0] - b[0]).map(([, s]) => s))];
}

/** Resolves a relative specifier against the files of the tree (bundler style: extension optional, index.ts). */
function resolve(from: string, spec: string, files: ReadonlyMap<string, string>): string | undefined {
  if (!spec.startsWith("./") && !spec.startsWith("../")) return undefined;
  const base = posix.normalize(posix.join(posix.dirname(from), spec));
  const candidates = [base, base.replace(/\.js$/, ".ts"), `${base}.ts`, `${base}/index.ts`];
  return candidates.find((c) => files.has(c));
}

/** Edges between the given files (path to source); imports of packages or of other files are left out. */
export function buildGraph(files: ReadonlyMap<string, string>): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const [path, source] of files) {
    const targets = specifiersOf(source).flatMap((s) => resolve(path, s, files) ?? []);
    graph.set(path, [...new Set(targets)]);
  }
  return graph;
}

/** Every .ts file under `dir` (posix paths relative to `root`). */
export function readTree(root: string, dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const e of readdirSync(posix.join(root, dir), { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !e.name.endsWith(".ts")) continue;
    const full = posix.join(e.parentPath.replaceAll("\\", "/"), e.name);
    files.set(posix.relative(root, full), readFileSync(full, "utf8"));
  }
  return files;
}

/** Strongly connected components of more than one file, or of one that imports itself (Tarjan). */
export function tangles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/**
 * The elementary cycles, each as [a, b, ..., a] starting at its smallest file, at most `limit` of them.
 * Each cycle is found once: from its smallest file, through files that sort after it.
 */
export function findCycles(graph: ImportGraph, limit = 100): string[][] {
  const cycles: string[][] = [];
  for (const scc of tangles(graph)) {
    const members = new Set(scc);
    for (const start of scc) {
      const path = [start];
      const onPath = new Set(path);
      const walk = (v: string): void => {
        for (const w of graph.get(v) ?? []) {
          if (cycles.length >= limit) return;
          if (w === start) cycles.push([...path, start]);
          else if (members.has(w) && w > start && !onPath.has(w)) {
            path.push(w);
            onPath.add(w);
            walk(w);
            onPath.delete(w);
            path.pop();
          }
        }
      };
      walk(start);
    }
  }
  return cycles;
}
