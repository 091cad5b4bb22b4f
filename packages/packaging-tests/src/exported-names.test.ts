/**
 * The names every entry point of every published package exports (values and types), against a
 * committed snapshot: adding, renaming or removing a public name changes the snapshot, so it is
 * a reviewed decision and never an accident of an `export *`. After a deliberate change, update
 * the snapshot with `pnpm vitest run packages/packaging-tests -u`.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import {
  entrySourceFile,
  javascriptEntryPoints,
  publishedPackages,
  repositoryRoot,
} from "./published-packages.js";

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(repositoryRoot, "tsconfig.json");
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config.config, ts.sys, repositoryRoot).options;
}

/** `{ "<package>[/<subpath>]": ["name", ...] }` for every entry point, sorted. */
function exportedNames(): Record<string, string[]> {
  const entries = publishedPackages().flatMap((pkg) =>
    javascriptEntryPoints(pkg).map((subpath) => ({
      id: subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`,
      file: entrySourceFile(pkg, subpath),
    })),
  );
  const program = ts.createProgram(
    entries.map((entry) => entry.file),
    { ...compilerOptions(), noEmit: true },
  );
  const checker = program.getTypeChecker();
  const result: Record<string, string[]> = {};
  for (const entry of entries) {
    const source = program.getSourceFile(entry.file);
    if (!source) continue; // reported by the test below
    const moduleSymbol = checker.getSymbolAtLocation(source);
    const names = moduleSymbol ? checker.getExportsOfModule(moduleSymbol).map((symbol) => symbol.name) : [];
    result[entry.id] = names.sort();
  }
  return result;
}

describe("the public surface", () => {
  const names = exportedNames();

  it("has a source file for each entry point in each package's exports", () => {
    for (const pkg of publishedPackages()) {
      for (const subpath of javascriptEntryPoints(pkg)) {
        expect(existsSync(entrySourceFile(pkg, subpath)), `${pkg.name} ${subpath}`).toBe(true);
      }
    }
  });

  it("exports exactly the reviewed names", async () => {
    await expect(`${JSON.stringify(names, null, 2)}\n`).toMatchFileSnapshot("./exported-names.snap");
  });

  it("keeps internals out of @smol/core", () => {
    const core = names["@smol/core"] ?? [];
    expect(core).toContain("CodeAgent");
    for (const internal of [
      "runToolCall",
      "substituteStateValues",
      "toolWireSpec",
      "createNonce",
      "RETRY_ADVICE",
    ]) {
      expect(core).not.toContain(internal);
    }
    expect(names["@smol/core/testing"]).toContain("ScriptedModel");
    expect(names["@smol/core/provider-kit"]).toContain("ApiModel");
    expect(names["@smol/core/executor-kit"]).toContain("RuntimeSession");
  });
});
