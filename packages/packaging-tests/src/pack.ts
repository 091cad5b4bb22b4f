import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { PublishedPackage } from "./published-packages.js";

export const run = promisify(execFile);

/**
 * Packs each package with `pnpm pack` (which writes the real versions over `workspace:*`, as a
 * publish does) into a new directory outside the workspace, two at a time. Returns each
 * package's tarball path by name. The packages must be built.
 */
export async function packPackages(packages: PublishedPackage[]): Promise<Map<string, string>> {
  const destination = mkdtempSync(join(tmpdir(), "smol-tarballs-"));
  const queue = [...packages];
  const worker = async () => {
    for (let pkg = queue.shift(); pkg; pkg = queue.shift()) {
      await run("pnpm", ["pack", "--pack-destination", destination], { cwd: pkg.directory });
    }
  };
  await Promise.all([worker(), worker()]);
  const tarballs = new Map<string, string>();
  const files = readdirSync(destination);
  for (const pkg of packages) {
    // pnpm names a tarball after the package: @smol/core 0.1.0 → smol-core-0.1.0.tgz
    const file = `${pkg.name.replace(/^@/, "").replace("/", "-")}-${pkg.version}.tgz`;
    if (!files.includes(file)) throw new Error(`pnpm pack wrote no ${file} for ${pkg.name}`);
    tarballs.set(pkg.name, join(destination, file));
  }
  return tarballs;
}

/** The paths inside a tarball, without npm's leading `package/`. */
export async function tarballFiles(tarball: string): Promise<string[]> {
  const { stdout } = await run("tar", ["-tzf", tarball]);
  return stdout
    .split("\n")
    .filter(Boolean)
    .map((path) => path.replace(/^package\//, ""));
}
