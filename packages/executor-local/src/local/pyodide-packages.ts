import { createHash, randomBytes } from "node:crypto";
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { ExecutorError } from "@smol/core";
import { realRegularFile } from "./sandbox-files.js";
import { wheelTopLevelModules } from "./wheel-contents.js";

// The sandbox has no network. Packages named in `additionalAuthorizedImports` are fetched by the
// host into a local cache, and the sandbox is allowed to read exactly those wheel files. A package
// the host cannot get (offline, a bad checksum) is left out with a warning: the sandbox starts
// without it, code that never imports it runs, and its import fails with a ModuleNotFoundError
// that says where to put the wheel.

/** Where Pyodide publishes the wheels of each release. */
export const PYODIDE_CDN = "https://cdn.jsdelivr.net/pyodide";

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
  signal?: AbortSignal;
  /**
   * Called with an `ExecutorError` for each authorized import left out because a package it needs
   * could not be had; default: one process warning per package.
   */
  onUnavailable?: (error: Error) => void;
}

const DOWNLOAD_TIMEOUT_MS = 120_000;
/** A CDN that sends no response headers within this is taken as unreachable (a black-holed network). */
const RESPONSE_TIMEOUT_MS = 10_000;
const lockFiles = new Map<string, Map<string, LockPackage>>();
/** Wheels whose checksum was already verified in this process, by path + size + mtime. */
const verifiedWheels = new Set<string>();
/** Packages already warned about in this process, so that each restart does not warn again. */
const warnedPackages = new Set<string>();

/**
 * Real paths of the wheels the sandbox must install for these authorized imports, dependencies
 * first. An import is looked up in Pyodide's lock file (`numpy`, `PIL` from pillow, …), then
 * among the wheels in the package cache (any wheel whose top-level module it is). An import
 * found in neither is left to Python: it is part of the standard library, or its import fails
 * with `ModuleNotFoundError`. `"*"` installs nothing ahead of time.
 *
 * A Pyodide package that cannot be had (download failed, checksum wrong) is left out, with the
 * imports that need it, and reported once through `onUnavailable` (default: a process warning
 * naming the package and where to put its wheel). It never fails the start.
 */
export async function preparePackages(preparation: PackagePreparation): Promise<string[]> {
  const topLevel = new Set(
    preparation.additionalAuthorizedImports
      .filter((entry) => entry !== "*")
      .map((entry) => entry.replace(/\.\*$/, "").split(".")[0]!)
      .filter((name) => name.length > 0),
  );
  if (topLevel.size === 0) return [];
  const lock = readLock(preparation.pyodideDirectory);
  const providers = importProviders(lock);
  const closures: { neededFor: string; entries: LockPackage[] }[] = [];
  const localImports: string[] = [];
  for (const name of topLevel) {
    const provider = providers.get(name);
    if (provider) closures.push({ neededFor: name, entries: withDependencies(lock, provider) });
    else localImports.push(name);
  }

  // Each package once, even when several imports need it; all fetched at the same time.
  const wheels = new Map<string, Promise<string>>();
  for (const { neededFor, entries } of closures) {
    for (const entry of entries) {
      if (!wheels.has(entry.name)) wheels.set(entry.name, ensureLockWheel(entry, neededFor, preparation));
    }
  }
  const results = await Promise.allSettled(wheels.values());
  const settled = new Map([...wheels.keys()].map((name, index) => [name, results[index]!]));
  preparation.signal?.throwIfAborted();

  const paths: string[] = [];
  for (const { neededFor, entries } of closures) {
    const failed = entries.find((entry) => settled.get(entry.name)?.status === "rejected");
    if (failed) {
      const reason = (settled.get(failed.name) as PromiseRejectedResult).reason;
      reportUnavailable(preparation, `${neededFor}:${failed.name}`, reason);
      continue;
    }
    for (const entry of entries) {
      const path = (settled.get(entry.name) as PromiseFulfilledResult<string>).value;
      if (!paths.includes(path)) paths.push(path);
    }
  }
  if (localImports.length > 0) {
    const localWheels = findLocalWheels(preparation.packageCacheDirectory);
    for (const name of localImports) {
      const wheel = localWheels.get(name);
      if (wheel && !paths.includes(wheel)) paths.push(wheel);
    }
  }
  return paths;
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
  process.emitWarning(`smol: ${error.message} The sandbox starts without it.`);
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

async function ensureLockWheel(
  entry: LockPackage,
  neededFor: string,
  preparation: PackagePreparation,
): Promise<string> {
  const path = join(preparation.packageCacheDirectory, entry.file_name);
  if (!isFile(path)) await downloadWheel(entry, neededFor, path, preparation);
  const real = realRegularFile(path, `wheel of ${entry.name}`);
  verifyChecksum(entry, real);
  return real;
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
  const signal = AbortSignal.any([
    timeout,
    waitingForResponse.signal,
    ...(preparation.signal ? [preparation.signal] : []),
  ]);
  let bytes: Buffer;
  try {
    const response = await fetch(url, { signal });
    clearTimeout(responseTimer);
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    bytes = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    clearTimeout(responseTimer);
    preparation.signal?.throwIfAborted();
    throw new ExecutorError(
      `Could not download the Pyodide package "${entry.name}" (needed to import "${neededFor}") from ${url}: ` +
        `${describeCause(error)}. The sandbox has no network: the host fetches packages into ` +
        `${preparation.packageCacheDirectory}. Put ${entry.file_name} there yourself (its import works ` +
        `from the next start), or remove "${neededFor}" from additionalAuthorizedImports.`,
      { cause: error },
    );
  }
  if (sha256(bytes) !== entry.sha256) {
    throw new ExecutorError(
      `The Pyodide package "${entry.name}" downloaded from ${url} does not match the checksum in Pyodide's lock file.`,
    );
  }
  mkdirSync(preparation.packageCacheDirectory, { recursive: true });
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
