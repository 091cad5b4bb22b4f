/**
 * Runs smol's benchmarks one after the other: every `src/<name>.ts` entry (or only the names
 * given), each in its own tsx process so that one cannot skew the next. Each entry prints its
 * table and writes `results/<name>.json`.
 *
 *   pnpm bench                 # all of them
 *   pnpm bench executor        # only src/executor.ts
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const benchDirectory = join(dirname(fileURLToPath(import.meta.url)), "..");
const available = readdirSync(join(benchDirectory, "src"))
  .filter((file) => file.endsWith(".ts") && file !== "run.ts" && !file.startsWith("_"))
  .map((file) => file.slice(0, -3))
  .sort();
const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(", ")}. Available: ${available.join(", ")}`);
  process.exit(2);
}
const failed: string[] = [];
for (const name of requested.length > 0 ? requested : available) {
  console.log(`\n=== ${name} ===`);
  const result = spawnSync("tsx", ["--tsconfig", "tsconfig.json", join("src", `${name}.ts`)], {
    cwd: benchDirectory,
    stdio: "inherit",
  });
  if (result.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.error(`\nFailed: ${failed.join(", ")}`);
  process.exit(1);
}
