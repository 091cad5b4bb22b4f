/**
 * What the tools users trust say about each published tarball: publint (strict: warnings fail
 * too) and arethetypeswrong, both offline, plus the README and LICENSE every tarball must carry.
 * Runs on the built packages (the test command builds first).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { beforeAll, describe, expect, it } from "vitest";
import { packPackages, run, tarballFiles } from "./pack.js";
import { javascriptEntryPoints, publishedPackages } from "./published-packages.js";

const packages = publishedPackages();
let tarballs: Map<string, string>;

beforeAll(async () => {
  tarballs = await packPackages(packages);
}, 300_000);

function tarballOf(name: string): string {
  const tarball = tarballs.get(name);
  if (!tarball) throw new Error(`no tarball for ${name}`);
  return tarball;
}

describe.each(packages.map((pkg) => [pkg.name, pkg] as const))("%s", (name, pkg) => {
  it("carries its README, its LICENSE and a build of every entry point", async () => {
    const files = await tarballFiles(tarballOf(name));
    expect(files).toContain("README.md");
    expect(files).toContain("LICENSE");
    for (const subpath of javascriptEntryPoints(pkg)) {
      const base = subpath === "." ? "index" : subpath.slice(2);
      for (const suffix of [".js", ".cjs", ".d.ts", ".d.cts"])
        expect(files).toContain(`dist/${base}${suffix}`);
    }
  });

  it("passes publint, warnings included", async () => {
    const bytes = readFileSync(tarballOf(name));
    const { messages, pkg: manifest } = await publint({
      pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
      strict: true,
    });
    expect(messages.map((message) => formatMessage(message, manifest) ?? message.code)).toEqual([]);
  });

  it("passes arethetypeswrong for ESM and CommonJS consumers", async () => {
    // Node's resolution from ESM and from CommonJS, and bundlers' (the node16 profile). The
    // report lists TypeScript's `node10` resolution too, left out here: it ignores `exports`, so
    // it cannot see a subpath such as `@smol/core/testing`, and models a Node long gone.
    const attw = join(import.meta.dirname, "..", "node_modules", ".bin", "attw");
    const dataFiles = Object.keys((pkg.manifest.exports ?? {}) as object).filter(
      (subpath) => subpath !== "./package.json" && !javascriptEntryPoints(pkg).includes(subpath),
    );
    const args = [tarballOf(name), "--profile", "node16", "--format", "json", "--no-definitely-typed"];
    if (dataFiles.length > 0) args.push("--exclude-entrypoints", ...dataFiles);
    const { stdout } = await run(attw, args).catch((error: { stdout?: string }) => ({
      stdout: error.stdout ?? "",
    }));
    const report = JSON.parse(stdout) as { problems?: Record<string, { resolutionKind?: string }[]> };
    const problems = Object.values(report.problems ?? {})
      .flat()
      .filter((problem) => problem.resolutionKind !== "node10");
    expect(problems).toEqual([]);
  }, 60_000);
});
