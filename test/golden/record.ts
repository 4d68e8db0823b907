// Writes golden.json from the current sampler. Run only on a commit whose samples are the reference:
//   node test/golden/record.ts
import { writeFileSync } from "node:fs";
import { runGoldenCases } from "./cases.ts";

const records = await runGoldenCases();
writeFileSync(new URL("./golden.json", import.meta.url), JSON.stringify(records) + "\n");
console.log(`recorded ${records.length} golden runs`);
