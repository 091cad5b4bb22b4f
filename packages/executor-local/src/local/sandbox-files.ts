import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ExecutorError } from "@smol/core";

// Deno's permissions are lexical: a symlink inside an allowed directory is followed to wherever
// it points. So every path the sandbox may read is resolved to its real path here, and a
// directory granted as a whole must contain no symlink at all.

/**
 * Resolves `path` to its real path and checks that nothing under it is a symlink.
 * @throws ExecutorError naming the first symlink found.
 */
export function realDirectoryWithoutSymlinks(path: string, purpose: string): string {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (error) {
    throw new ExecutorError(`The ${purpose} directory ${path} does not exist.`, { cause: error });
  }
  if (!statSync(real).isDirectory())
    throw new ExecutorError(`The ${purpose} path ${real} is not a directory.`);
  const pending = [real];
  // Bounded: a package directory holds a few hundred entries at most.
  for (let visited = 0; pending.length > 0 && visited < 100_000; visited++) {
    const directory = pending.pop()!;
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const entryPath = join(directory, entry.name);
      if (entry.isSymbolicLink()) {
        throw new ExecutorError(
          `Refusing to let the sandbox read ${real}: it contains the symlink ${entryPath}, which the sandbox ` +
            `could follow out of that directory. Replace it with a real file or directory (for example ` +
            `"cp -rL"), or point the executor at a copy without symlinks.`,
        );
      }
      if (entry.isDirectory()) pending.push(entryPath);
    }
  }
  return real;
}

/** Resolves a file to its real path, checking that it is a regular file. */
export function realRegularFile(path: string, purpose: string): string {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (error) {
    throw new ExecutorError(`The ${purpose} ${path} does not exist.`, { cause: error });
  }
  if (!lstatSync(real).isFile()) throw new ExecutorError(`The ${purpose} ${real} is not a regular file.`);
  return real;
}

/**
 * This module's directory, from the ESM or the CommonJS build (where tsup derives
 * `import.meta.url` from the module's own `__filename`), or from the sources. Never a global
 * `__dirname`: under `node -e` one exists, ".", even for an ES module.
 */
function moduleDirectory(): string {
  return dirname(fileURLToPath(import.meta.url));
}

function requireFromHere(): NodeJS.Require {
  return createRequire(join(moduleDirectory(), "index.js"));
}

/** The directory of the `pyodide` npm package (its real path, not pnpm's symlink). */
export function pyodidePackageDirectory(): string {
  return realpathSync(dirname(requireFromHere().resolve("pyodide/package.json")));
}

/** The version of the `pyodide` npm package, which is also the version of its wheels. */
export function pyodideVersion(pyodideDirectory: string): string {
  const manifest = JSON.parse(readFileSync(join(pyodideDirectory, "package.json"), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

/**
 * Finds the Deno binary shipped by the `deno` npm package: the copy its install script puts
 * next to it, else the platform package (`@deno/linux-x64-glibc`, …) it depends on.
 */
export function denoBinaryPath(): string {
  const denoPackage = dirname(requireFromHere().resolve("deno/package.json"));
  const executable = process.platform === "win32" ? "deno.exe" : "deno";
  const besideTheScript = join(denoPackage, executable);
  if (isFile(besideTheScript)) return besideTheScript;
  const platformPackage = `@deno/${denoTarget()}`;
  try {
    const fromDeno = createRequire(join(denoPackage, "package.json"));
    const candidate = join(dirname(fromDeno.resolve(`${platformPackage}/package.json`)), executable);
    if (isFile(candidate)) return candidate;
  } catch {
    // Reported below, with what to do.
  }
  throw new ExecutorError(
    `Could not find the Deno binary (looked in ${denoPackage} and ${platformPackage}). Reinstall the "deno" ` +
      `package with its optional dependencies, or pass denoPath to LocalPythonExecutor.`,
  );
}

/** A Deno binary given by path, or by name to look up on PATH (`"deno"`). */
export function resolveDenoPath(denoPath: string): string {
  if (!/[\\/]/.test(denoPath)) {
    for (const directory of (process.env.PATH ?? "").split(process.platform === "win32" ? ";" : ":")) {
      const candidate = join(directory, denoPath);
      if (directory && isFile(candidate)) return realRegularFile(candidate, "Deno binary");
    }
    throw new ExecutorError(`Could not find "${denoPath}" on PATH; pass denoPath as a full path.`);
  }
  return realRegularFile(denoPath, "Deno binary");
}

function denoTarget(): string {
  const arch = process.arch === "arm64" ? "arm64" : "x64";
  if (process.platform === "linux") return `linux-${arch}-glibc`;
  if (process.platform === "win32") return `win32-${arch}`;
  return `${process.platform}-${arch}`;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The `assets` directory of this package (runner.js and friends), from the sources or the build. */
export function assetsDirectory(): string {
  let directory = moduleDirectory();
  for (let depth = 0; depth < 6; depth++) {
    const candidate = join(directory, "assets", "runner.js");
    if (isFile(candidate) && isFile(join(directory, "package.json"))) return join(directory, "assets");
    directory = dirname(directory);
  }
  throw new ExecutorError(
    "Could not find the assets directory of @smol/executor-local (runner.js is missing).",
  );
}

/**
 * Where the executor keeps what it builds and downloads: snapshots, Pyodide wheels and Deno's
 * own cache. `SMOL_CACHE_DIR`, else `$XDG_CACHE_HOME/smol`, else `~/.cache/smol`.
 */
export function defaultCacheDirectory(): string {
  const root =
    process.env.SMOL_CACHE_DIR ??
    (process.env.XDG_CACHE_HOME
      ? join(process.env.XDG_CACHE_HOME, "smol")
      : join(homedir(), ".cache", "smol"));
  return join(root, "executor-local");
}
