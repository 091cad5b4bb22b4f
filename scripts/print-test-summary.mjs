// Prints vitest's JSON report as one closing line: "tests: N passed, N failed, N skipped".
import { existsSync, readFileSync } from "node:fs";

const file = process.argv[2];
if (!file || !existsSync(file)) {
  // No report: the tests did not get to run (set-up or build failed); the exit code says so.
  console.log("tests: no report was written");
  process.exit(0);
}
const report = JSON.parse(readFileSync(file, "utf8"));
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
