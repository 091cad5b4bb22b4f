import { readFileSync } from "node:fs";
import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as {
  version: string;
};
const define = { __SMOL_CLI_VERSION__: JSON.stringify(version) };

export default defineConfig([
  // The library: what `import { smolagent } from "@smol/cli"` gives.
  { ...packageBuild(["src/index.ts"]), define, clean: false },
  // The commands: ESM files that start with their shebang (tsup makes them executable).
  {
    ...packageBuild({ smolagent: "src/bin/smolagent.ts", webagent: "src/bin/webagent.ts" }),
    format: ["esm"],
    dts: false,
    define,
    clean: false,
  },
]);
