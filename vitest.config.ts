import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { defineConfig } from "vitest/config";

// Tests import workspace packages by their public names (`@smol/core`), but run against the
// TypeScript sources so that no build is needed between an edit and a test run.
const packagesDir = resolve(__dirname, "packages");
const aliases = readdirSync(packagesDir)
  .filter((dir) => existsSync(join(packagesDir, dir, "package.json")))
  .flatMap((dir) => {
    const manifest = JSON.parse(readFileSync(join(packagesDir, dir, "package.json"), "utf8"));
    const name: string = manifest.name;
    const src = join(packagesDir, dir, "src");
    return [
      { find: new RegExp(`^${name}$`), replacement: join(src, "index.ts") },
      { find: new RegExp(`^${name}/(.+)$`), replacement: join(src, "$1.ts") },
    ];
  });

export default defineConfig({
  resolve: { alias: aliases },
  test: {
    include: [
      "packages/*/src/**/*.test.ts",
      "apps/*/src/**/*.test.ts",
      "docs/**/*.test.ts",
      "bench/**/*.test.ts",
    ],
    exclude: ["**/node_modules/**", "**/dist/**"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CI also writes a JSON report, from which .ci/run prints its one-line summary.
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".ci-test-results.json" }]] : ["default"],
  },
});
