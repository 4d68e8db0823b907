// No import cycle in src/ (type-only imports count): a cycle makes two folders one module and lets
// module initialisation order decide what a file sees.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { buildGraph, findCycles, readTree, specifiersOf, tangles } from "./import-graph.ts";

const root = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

test("src/ has no import cycle", () => {
  const files = readTree(root, "src");
  assert.ok(files.size > 50, `scanned ${files.size} files`);
  const graph = buildGraph(files);
  assert.ok(graph.get("src/app.ts")?.includes("src/routes/samples.ts"), "the scanner sees app.ts's imports");
  const cycles = findCycles(graph);
  assert.deepEqual(cycles.map((c) => c.join(" -> ")), [], `import cycles in src/:\n${cycles.map((c) => `  ${c.join(" -> ")}`).join("\n")}`);
});

test("the scanner reads every form of import and export, and none in comments or strings", () => {
  const source = [
    'import { a } from "./a.ts";',
    "import type { B } from './b.ts';",
    "import {",
    "  c,",
    "  type C,",
    '} from "./c.ts";',
    'import "./side-effect.ts";',
    'export * from "./d.ts";',
    'export { e, type E } from "./e.ts";',
    'type F = typeof import("./f.ts");',
    'import { z } from "zod";',
    '// import { no } from "./commented.ts";',
    ' * export { no } from "./doc-comment.ts";',
    'export const text = "import { no } from \'./string.ts\'";',
    "export const g = Array.from([1]);",
    'import { a as again } from "./a.ts";',
  ].join("\n");
  assert.deepEqual(specifiersOf(source), ["./a.ts", "./b.ts", "./c.ts", "./side-effect.ts", "./d.ts", "./e.ts", "./f.ts", "zod"]);
});

test("the cycle finder finds each cycle of a small tree, type-only and through index.ts included", () => {
  const files = new Map([
    ["src/app.ts", 'import { r } from "./routes/index.ts";\nexport interface Deps { x: number }'],
    ["src/routes/index.ts", 'export * from "./one.ts";'],
    ["src/routes/one.ts", 'import type { Deps } from "../app.ts";\nimport { util } from "../util";'],
    ["src/util.ts", 'import "./leaf.ts";'],
    ["src/leaf.ts", "export const leaf = 1;"],
    ["src/self.ts", 'import { self } from "./self.ts";'],
    ["src/x.ts", 'import { y } from "./y.ts";\nimport { z } from "./z.ts";'],
    ["src/y.ts", 'import { x } from "./x.ts";\nimport { z } from "./z.ts";'],
    ["src/z.ts", 'import { x } from "./x.ts";'],
  ]);
  const graph = buildGraph(files);
  assert.deepEqual(graph.get("src/routes/one.ts"), ["src/app.ts", "src/util.ts"]);
  assert.deepEqual(tangles(graph), [
    ["src/app.ts", "src/routes/index.ts", "src/routes/one.ts"],
    ["src/self.ts"],
    ["src/x.ts", "src/y.ts", "src/z.ts"],
  ]);
  assert.deepEqual(findCycles(graph).map((c) => c.join(" -> ")), [
    "src/app.ts -> src/routes/index.ts -> src/routes/one.ts -> src/app.ts",
    "src/self.ts -> src/self.ts",
    "src/x.ts -> src/y.ts -> src/x.ts",
    "src/x.ts -> src/y.ts -> src/z.ts -> src/x.ts",
    "src/x.ts -> src/z.ts -> src/x.ts",
  ]);
  assert.equal(findCycles(graph, 2).length, 2, "the listing is capped");
  files.set("src/routes/one.ts", 'import { util } from "../util.ts";');
  assert.deepEqual(findCycles(buildGraph(files)).map((c) => c[0]), ["src/self.ts", "src/x.ts", "src/x.ts", "src/x.ts"]);
});
