import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base";

// `vitest` is its own entry point so that the main one never loads the test runner; splitting
// keeps the code both share in one chunk.
export default defineConfig(
  packageBuild({ index: "src/index.ts", vitest: "src/vitest.ts" }, { splitting: true }),
);
