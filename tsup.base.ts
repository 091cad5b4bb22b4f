import type { Options } from "tsup";

/** The build every package shares: ESM + CJS + .d.ts, one bundle per entry. */
export function packageBuild(
  entry: string[] | Record<string, string> = ["src/index.ts"],
  extra: Options = {},
): Options {
  return {
    entry,
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node22",
    splitting: false,
    treeshake: true,
    ...extra,
  };
}
