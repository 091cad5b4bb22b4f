import { createHash, randomBytes } from "node:crypto";
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { ExecutorError } from "@smol/core";
import { realRegularFile } from "./sandbox-files.js";
import { wheelTopLevelModules } from "./wheel-contents.js";

// The sandbox has no network. Packages named in `additionalAuthorizedImports` are fetched by the
// host into a local cache, and the sandbox is allowed to read exactly those wheel files. Nothing
// waits for them: the sandbox starts at once and installs a package on the first import of its
// module, waiting then for a download still under way. A package the host cannot get (offline,
// a bad checksum) is reported with a warning; code that never imports it runs, and its import
// fails with a ModuleNotFoundError that says where to put the wheel.

/** Where Pyodide publishes the wheels of each release. */
export const PYODIDE_CDN = "https://cdn.jsdelivr.net/pyodide";

/**
 * Written by the host next to a wheel it could not download (`<wheel>.unavailable`, holding the
 * reason), so that a sandbox waiting for that wheel stops waiting and says why.
 */
export const UNAVAILABLE_SUFFIX = ".unavailable";

interface LockPackage {
  name: string;
  file_name: string;
  imports: string[];
  depends: string[];
  sha256: string;
}

export interface PackagePreparation {
  additionalAuthorizedImports: readonly string[];
  pyodideDirectory: string;
  pyodideVersion: string;
  /** Downloaded wheels are kept here; wheels you put here yourself are found too. */
  packageCacheDirectory: string;
  /** Base URL of the wheels; default `${PYODIDE_CDN}/v<version>/full/`. */
  packageBaseUrl?: string;
  /**
   * Called with an `ExecutorError` for each authorized import left out because a package it needs
   * could not be had; default: one process warning per package.
   */
  onUnavailable?: (error: Error) => void;
}

/** What a sandbox is given to install packages on first import. */
export interface PackagePlan {
  /**
   * Top-level module → real paths of the wheels its import installs, dependencies first. A wheel
   * may still be downloading; the sandbox waits for it, or for its `.unavailable` file.
   */
  packages: Record<string, string[]>;
  /** Every path the sandbox must be allowed to read for these: the wheels and `.unavailable` files. */
  readPaths: string[];
}

const DOWNLOAD_TIMEOUT_MS = 120_000;
/** A CDN that sends no response headers within this is taken as unreachable (a black-holed network). */
const RESPONSE_TIMEOUT_MS = 10_000;
const lockFiles = new Map<string, Map<string, LockPackage>>();
/** Wheels whose checksum was already verified in this process, by path + size + mtime. */
const verifiedWheels = new Set<string>();
/** Packages already warned about in this process, so that each restart does not warn again. */
const warnedPackages = new Set<string>();
/** Downloads under way in this process, by target path: two starts never fetch one wheel twice. */
const downloadsInFlight = new Map<string, Promise<void>>();

/**
 * What the sandbox needs to install the packages of these authorized imports on their first
 * import. An import is looked up in Pyodide's lock file (`numpy`, `PIL` from pillow, …), then
 * among the wheels in the package cache (any wheel whose top-level module it is). An import found
 * in neither is left to Python: it is part of the standard library, or its import fails with
 * `ModuleNotFoundError`. `"*"` installs nothing.
 *
 * The wheels missing from the cache start downloading in the background (the start never waits
 * for them). A Pyodide package that cannot be had (download failed, checksum wrong) is reported
 * once through `onUnavailable` (default: a process warning naming the package and where to put
 * its wheel); a failed download also leaves `<wheel>.unavailable`, so that the import says why.
 */
export function planPackages(preparation: PackagePreparation): PackagePlan {
  const plan: PackagePlan = { packages: {}, readPaths: [] };
  const topLevel = new Set(
    preparation.additionalAuthorizedImports
      .filter((entry) => entry !== "*")
      .map((entry) => entry.replace(/\.\*$/, "").split(".")[0]!)
      .filter((name) => name.length > 0),
  );
  if (topLevel.size === 0) return plan;
  const lock = readLock(preparation.pyodideDirectory);
  const providers = importProviders(lock);
  const localImports: string[] = [];
  for (const name of topLevel) {
    const provider = providers.get(name);
    if (!provider) {
      localImports.push(name);
      continue;
    }
    const wheels = withDependencies(lock, provider).map((entry) => lockWheel(entry, name, preparation));
    // A wheel with a wrong checksum leaves its import out: installing the rest would not make it work.
    if (wheels.some((wheel) => wheel === undefined)) continue;
    plan.packages[name] = [];
    for (const wheel of wheels as LockWheel[]) {
      plan.packages[name].push(wheel.path);
      const readable = wheel.downloading ? [wheel.path, `${wheel.path}${UNAVAILABLE_SUFFIX}`] : [wheel.path];
      for (const path of readable) if (!plan.readPaths.includes(path)) plan.readPaths.push(path);
    }
  }
  if (localImports.length > 0) {
    const localWheels = findLocalWheels(preparation.packageCacheDirectory);
    for (const name of localImports) {
      const wheel = localWheels.get(name);
      if (!wheel) continue;
      plan.packages[name] = [wheel];
      if (!plan.readPaths.includes(wheel)) plan.readPaths.push(wheel);
    }
  }
  return plan;
}

interface LockWheel {
  path: string;
  /** True while the wheel is not in the cache yet: a download is under way. */
  downloading: boolean;
}

/**
 * The wheel of a lock package: its real path when it is in the cache and its checksum matches,
 * else its path in the cache, once the download that brings it there is under way; undefined
 * (reported) when it is there with a wrong checksum.
 */
function lockWheel(
  entry: LockPackage,
  neededFor: string,
  preparation: PackagePreparation,
): LockWheel | undefined {
  const path = join(preparation.packageCacheDirectory, entry.file_name);
  if (isFile(path)) {
    try {
      const real = realRegularFile(path, `wheel of ${entry.name}`);
      verifyChecksum(entry, real);
      return { path: real, downloading: false };
    } catch (error) {
      reportUnavailable(preparation, `${neededFor}:${entry.name}`, error);
      return undefined;
    }
  }
  // The sandbox may read only real paths (Deno checks them lexically): the directory's, then.
  mkdirSync(preparation.packageCacheDirectory, { recursive: true });
  const target = join(realpathSync(preparation.packageCacheDirectory), entry.file_name);
  startDownload(entry, neededFor, target, preparation);
  return { path: target, downloading: true };
}

/** Starts the download of a wheel into the cache, unless it is already under way in this process. */
function startDownload(
  entry: LockPackage,
  neededFor: string,
  path: string,
  preparation: PackagePreparation,
): void {
  if (!downloadsInFlight.has(path)) {
    // A reason left by an earlier attempt is stale: this one may succeed.
    rmSync(`${path}${UNAVAILABLE_SUFFIX}`, { force: true });
    const download = downloadWheel(entry, neededFor, path, preparation)
      .catch((error: unknown) => {
        try {
          const reason = error instanceof Error ? error.message : String(error);
          writeAtomically(`${path}${UNAVAILABLE_SUFFIX}`, Buffer.from(reason));
        } catch {
          // Then a waiting sandbox waits until its run times out; the warning below still says why.
        }
        reportUnavailable(preparation, `${neededFor}:${entry.name}`, error);
      })
      .finally(() => downloadsInFlight.delete(path));
    downloadsInFlight.set(path, download);
  }
}

/** A lock package and everything it depends on, dependencies first. */
function withDependencies(lock: Map<string, LockPackage>, key: string): LockPackage[] {
  const ordered: LockPackage[] = [];
  const visiting = new Set<string>();
  const add = (current: string): void => {
    if (visiting.has(current)) return;
    visiting.add(current);
    const entry = lock.get(current);
    if (!entry) return;
    for (const dependency of entry.depends) add(normalizeName(dependency));
    ordered.push(entry);
  };
  add(key);
  return ordered;
}

function reportUnavailable(preparation: PackagePreparation, key: string, reason: unknown): void {
  const error =
    reason instanceof Error
      ? reason
      : new ExecutorError(`A Pyodide package is unavailable: ${String(reason)}`);
  if (preparation.onUnavailable) {
    preparation.onUnavailable(error);
    return;
  }
  if (warnedPackages.has(key)) return;
  warnedPackages.add(key);
  process.emitWarning(`smol: ${error.message} Code that does not import it runs as usual.`);
}

/** Package names as the lock file keys them: lowercase, runs of `-`, `_`, `.` made one `-`. */
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

function readLock(pyodideDirectory: string): Map<string, LockPackage> {
  let lock = lockFiles.get(pyodideDirectory);
  if (!lock) {
    const parsed = JSON.parse(readFileSync(join(pyodideDirectory, "pyodide-lock.json"), "utf8")) as {
      packages: Record<string, LockPackage>;
    };
    lock = new Map(Object.entries(parsed.packages).map(([key, entry]) => [normalizeName(key), entry]));
    lockFiles.set(pyodideDirectory, lock);
  }
  return lock;
}

/** Import name → lock key of the package that provides it (`PIL` → `pillow`). */
function importProviders(lock: Map<string, LockPackage>): Map<string, string> {
  const providers = new Map<string, string>();
  for (const [key, entry] of lock) {
    for (const name of entry.imports) if (!providers.has(name)) providers.set(name, key);
  }
  return providers;
}

async function downloadWheel(
  entry: LockPackage,
  neededFor: string,
  path: string,
  preparation: PackagePreparation,
): Promise<void> {
  const base = preparation.packageBaseUrl ?? `${PYODIDE_CDN}/v${preparation.pyodideVersion}/full/`;
  const url = new URL(entry.file_name, base.endsWith("/") ? base : `${base}/`).href;
  const timeout = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
  const waitingForResponse = new AbortController();
  const responseTimer = setTimeout(
    () => waitingForResponse.abort(new Error(`no response within ${RESPONSE_TIMEOUT_MS / 1000} s`)),
    RESPONSE_TIMEOUT_MS,
  );
  // A download in the background must not keep the host process alive on its own.
  responseTimer.unref();
  // Not tied to one start's signal: the download serves every later start too.
  const signal = AbortSignal.any([timeout, waitingForResponse.signal]);
  let bytes: Buffer;
  try {
    const response = await fetch(url, { signal });
    clearTimeout(responseTimer);
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    bytes = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    clearTimeout(responseTimer);
    throw new ExecutorError(
      `Could not download the Pyodide package "${entry.name}" (needed to import "${neededFor}") from ${url}: ` +
        `${describeCause(error)}. The sandbox has no network: the host fetches packages into the ` +
        `executor's packageCacheDir, ${preparation.packageCacheDirectory}. Put ${entry.file_name} there yourself (its import works ` +
        `from the next start of the executor), or remove "${neededFor}" from additionalAuthorizedImports.`,
      { cause: error },
    );
  }
  if (sha256(bytes) !== entry.sha256) {
    throw new ExecutorError(
      `The Pyodide package "${entry.name}" downloaded from ${url} does not match the checksum in Pyodide's lock file.`,
    );
  }
  writeAtomically(path, bytes);
}

/** Read-only, and renamed into place: a sandbox waiting for the file never sees half of it. */
function writeAtomically(path: string, bytes: Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    writeFileSync(temporary, bytes, { mode: 0o444 });
    chmodSync(temporary, 0o444);
    renameSync(temporary, path);
  } finally {
    rmSync(temporary, { force: true });
  }
}

function verifyChecksum(entry: LockPackage, path: string): void {
  const stats = statSync(path);
  const identity = `${path}:${stats.size}:${stats.mtimeMs}`;
  if (verifiedWheels.has(identity)) return;
  if (sha256(readFileSync(path)) !== entry.sha256) {
    throw new ExecutorError(
      `The wheel ${path} does not match the checksum of "${entry.name}" in Pyodide's lock file: delete it ` +
        `and it will be downloaded again.`,
    );
  }
  verifiedWheels.add(identity);
}

/** Top-level module → real path, for the wheels in the package cache. */
function findLocalWheels(directory: string): Map<string, string> {
  const wheels = new Map<string, string>();
  let names: string[];
  try {
    names = readdirSync(directory)
      .filter((name) => name.endsWith(".whl"))
      .sort();
  } catch {
    return wheels;
  }
  for (const name of names) {
    const path = realRegularFile(join(directory, name), "wheel");
    let modules: string[];
    try {
      modules = wheelTopLevelModules(path);
    } catch (error) {
      throw new ExecutorError(
        `The wheel ${path} in the package cache is not a valid wheel: ${describeCause(error)}`,
      );
    }
    for (const module of modules) if (!wheels.has(module)) wheels.set(module, path);
  }
  return wheels;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error.message}${cause}`;
}
