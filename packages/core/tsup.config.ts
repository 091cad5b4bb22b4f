import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base";

// One entry point per audience. Splitting puts the code they share in common chunks, so that a
// class or a registry exists once however many entry points an application imports.
export default defineConfig(
  packageBuild(
    {
      index: "src/index.ts",
      "provider-kit": "src/provider-kit.ts",
      "executor-kit": "src/executor-kit.ts",
      testing: "src/testing.ts",
    },
    { splitting: true },
  ),
);
