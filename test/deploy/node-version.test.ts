// One minimum Node version everywhere it is stated: package.json engines, the README and .ci/run's bootstrap
// check, and the runtime running this test meets it (22.18: the first 22.x that runs .ts files without flags).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const MINIMUM = [22, 18] as const;

test("the minimum Node version is 22.18 in engines, README and .ci/run, and this runtime meets it", () => {
  assert.equal(JSON.parse(read("package.json")).engines.node, `>=${MINIMUM.join(".")}`);
  assert.match(read("README.md"), new RegExp(`Node\\.js ${MINIMUM.join("\\.")} or newer`));
  assert.match(read(".ci/run"), new RegExp(`a===${MINIMUM[0]}&&b>=${MINIMUM[1]}`));
  const [major, minor] = process.versions.node.split(".").map(Number);
  assert.ok(major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1]), `running on ${process.version}`);
});
