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
// host into a local cache, and the sandbox is allowed to read exactly those wheel files.

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
}

const DOWNLOAD_TIMEOUT_MS = 120_000;
const lockFiles = new Map<string, Map<string, LockPackage>>();
/** Wheels whose checksum was already verified in this process, by path + size + mtime. */
const verifiedWheels = new Set<string>();

/**
 * Real paths of the wheels the sandbox must install for these authorized imports, dependencies
 * first. An import is looked up in Pyodide's lock file (`numpy`, `PIL` from pillow, …), then
 * among the wheels in the package cache (any wheel whose top-level module it is). An import
 * found in neither is left to Python: it is part of the standard library, or its import fails
 * with `ModuleNotFoundError`. `"*"` installs nothing ahead of time.
 *
 * @throws ExecutorError naming the package when a wheel cannot be fetched or fails its checksum.
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
  // Dependencies before dependents, each with the authorized import that needed it.
  const ordered: { entry: LockPackage; neededFor: string }[] = [];
  const visiting = new Set<string>();
  const addWithDependencies = (key: string, neededFor: string): void => {
    if (visiting.has(key)) return;
    visiting.add(key);
    const entry = lock.get(key);
    if (!entry) return;
    for (const dependency of entry.depends) addWithDependencies(normalizeName(dependency), neededFor);
    ordered.push({ entry, neededFor });
  };
  const localImports: string[] = [];
  for (const name of topLevel) {
    const provider = providers.get(name);
    if (provider) addWithDependencies(provider, name);
    else localImports.push(name);
  }

  const paths: string[] = [];
  for (const { entry, neededFor } of ordered)
    paths.push(await ensureLockWheel(entry, neededFor, preparation));
  if (localImports.length > 0) {
    const localWheels = findLocalWheels(preparation.packageCacheDirectory);
    for (const name of localImports) {
      const wheel = localWheels.get(name);
      if (wheel && !paths.includes(wheel)) paths.push(wheel);
    }
  }
  return paths;
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
  const signal = preparation.signal ? AbortSignal.any([preparation.signal, timeout]) : timeout;
  let bytes: Buffer;
  try {
    const response = await fetch(url, { signal });
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    bytes = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    preparation.signal?.throwIfAborted();
    throw new ExecutorError(
      `Could not download the Pyodide package "${entry.name}" (needed to import "${neededFor}") from ${url}: ` +
        `${describeCause(error)}. The sandbox has no network: the host fetches packages into ` +
        `${preparation.packageCacheDirectory}. Put ${entry.file_name} there yourself, or remove ` +
        `"${neededFor}" from additionalAuthorizedImports.`,
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
