import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root directory. */
export const repositoryRoot = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../..");

export interface PublishedPackage {
  name: string;
  version: string;
  directory: string;
  manifest: Record<string, unknown>;
}

/** Every package of packages/ that is published (its package.json is not `private`). */
export function publishedPackages(): PublishedPackage[] {
  const packagesDirectory = join(repositoryRoot, "packages");
  return readdirSync(packagesDirectory)
    .map((entry) => join(packagesDirectory, entry))
    .filter((directory) => existsSync(join(directory, "package.json")))
    .map((directory) => {
      const manifest = JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as Record<
        string,
        unknown
      >;
      return { name: String(manifest.name), version: String(manifest.version), directory, manifest };
    })
    .filter((pkg) => pkg.manifest.private !== true)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The JavaScript entry points of a package: its `exports` keys whose target has conditions (the
 * `./package.json` and data-file entries are plain strings). "." is the package itself.
 */
export function javascriptEntryPoints(pkg: PublishedPackage): string[] {
  const exports = (pkg.manifest.exports ?? {}) as Record<string, unknown>;
  return Object.entries(exports)
    .filter(([, target]) => typeof target === "object" && target !== null)
    .map(([subpath]) => subpath);
}

/** The source file of an entry point, by the convention the builds and the path aliases share. */
export function entrySourceFile(pkg: PublishedPackage, subpath: string): string {
  return subpath === "."
    ? join(pkg.directory, "src", "index.ts")
    : join(pkg.directory, "src", `${subpath.slice(2)}.ts`);
}
