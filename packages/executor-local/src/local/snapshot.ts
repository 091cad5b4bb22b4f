import { createHash, randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { DenoLaunch } from "./deno-command.js";
import { runDenoScript } from "./deno-process.js";

/** What a snapshot is made from; any change to these makes a new snapshot (a new file name). */
export interface SnapshotInputs {
  denoPath: string;
  pyodideDirectory: string;
  pyodideVersion: string;
  assetsDirectory: string;
  runtimePath: string;
  /** Modules imported at boot, so that they are already in the snapshot. */
  preloadedModules: readonly string[];
}

const SNAPSHOT_LAYOUT = "snapshot+deno-cache";
const BUILD_TIMEOUT_MS = 180_000;
/** Snapshots kept per directory: a few, for several smol versions sharing one cache. */
const SNAPSHOTS_KEPT = 3;
/** Pyodide's state after boot is ~30 MB; the build itself needs some room on top. */
const BUILD_MEMORY_LIMIT_MB = 1024;
const buildsInProgress = new Map<string, Promise<string>>();
const denoCacheFills = new Map<string, Promise<void>>();

/** What describes a snapshot shipped in the package (`<assets>/snapshot/manifest.json`). */
interface ShippedManifest {
  /** The snapshot's file name (`snapshotFileName`), beside the manifest. */
  file: string;
  bytes: number;
  sha256: string;
}

const SHIPPED_MANIFEST = "manifest.json";

/**
 * The snapshot's file name: keyed by the Pyodide version and a hash of everything that shapes
 * the interpreter state it holds (the runtime, the boot scripts and the preloaded modules).
 */
export function snapshotFileName(inputs: SnapshotInputs): string {
  const hash = createHash("sha256");
  hash.update(inputs.pyodideVersion);
  // What a build leaves beside the snapshot (now its Deno cache): a new layout, a new name.
  hash.update(`\0${SNAPSHOT_LAYOUT}`);
  hash.update(`\0${inputs.preloadedModules.join(",")}`);
  for (const path of [
    inputs.runtimePath,
    join(inputs.assetsDirectory, "boot.js"),
    join(inputs.assetsDirectory, "build-snapshot.js"),
    join(inputs.assetsDirectory, "snapshot-format.js"),
  ]) {
    hash.update("\0");
    hash.update(readFileSync(path));
  }
  return `pyodide-${inputs.pyodideVersion}-${hash.digest("hex").slice(0, 16)}.snapshot`;
}

/**
 * The Deno cache filled by the build of a snapshot (the analysis of Pyodide's modules), which
 * sandboxes starting from that snapshot copy as their private DENO_DIR; undefined when there is
 * none (a snapshot built by an earlier version).
 */
export function snapshotDenoDirectory(snapshotPath: string): string | undefined {
  const path = `${snapshotPath}.deno`;
  try {
    return statSync(path).isDirectory() ? path : undefined;
  } catch {
    return undefined;
  }
}

/** The snapshot with this name in this directory, when it exists and is not empty. */
export function findSnapshot(directory: string, fileName: string): string | undefined {
  const path = join(directory, fileName);
  try {
    return statSync(path).size > 0 ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The directory a published package ships its snapshot in (built by `build-snapshot --ship`
 * when the package is packed): a copy is installed into the cache on first use, so that the
 * very first start after an install does not wait seconds for a build.
 */
export function shippedSnapshotDirectory(assetsDirectory: string): string {
  return join(assetsDirectory, "snapshot");
}

/**
 * Copies a built snapshot into `shipDirectory` with a manifest of its name, size and SHA-256,
 * replacing whatever was shipped before. Run when the package is packed.
 */
export function shipSnapshot(snapshotPath: string, shipDirectory: string): ShippedManifest {
  rmSync(shipDirectory, { recursive: true, force: true });
  mkdirSync(shipDirectory, { recursive: true });
  const bytes = readFileSync(snapshotPath);
  const file = snapshotPath.slice(snapshotPath.lastIndexOf("/") + 1);
  const manifest: ShippedManifest = { file, bytes: bytes.length, sha256: sha256(bytes) };
  copyFileSync(snapshotPath, join(shipDirectory, file));
  writeFileSync(join(shipDirectory, SHIPPED_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Why a shipped snapshot was not installed (or undefined when it was). */
export type ShippedSnapshotRefusal = "none shipped" | "for other inputs" | "damaged";

/**
 * Installs the shipped snapshot into `directory` as `fileName`, after checking it: it must be
 * the snapshot of these very inputs (the manifest names `fileName`, which hashes the runtime,
 * the boot scripts, the preloaded modules and Pyodide's version) and its bytes must have the
 * manifest's size and SHA-256. Returns the installed path, or why nothing was installed (the
 * caller then builds the snapshot as before). The copy is read-only and renamed into place.
 */
export function installShippedSnapshot(
  shipDirectory: string,
  fileName: string,
  directory: string,
): { path: string } | { refused: ShippedSnapshotRefusal } {
  let manifest: ShippedManifest;
  try {
    manifest = JSON.parse(readFileSync(join(shipDirectory, SHIPPED_MANIFEST), "utf8")) as ShippedManifest;
  } catch {
    return { refused: "none shipped" };
  }
  if (manifest?.file !== fileName) return { refused: "for other inputs" };
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(shipDirectory, fileName));
  } catch {
    return { refused: "damaged" };
  }
  if (bytes.length !== manifest.bytes || sha256(bytes) !== manifest.sha256) return { refused: "damaged" };
  mkdirSync(directory, { recursive: true });
  const target = join(directory, fileName);
  const temporary = `${target}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    writeFileSync(temporary, bytes, { mode: 0o444 });
    chmodSync(temporary, 0o444);
    renameSync(temporary, target);
  } finally {
    rmSync(temporary, { force: true });
  }
  return { path: target };
}

/**
 * Fills the Deno cache beside an installed snapshot (`<snapshot>.deno`, which saves each later
 * start ~150 ms) by running the trusted build once more, in the background and at the lowest
 * CPU priority, keeping only its Deno cache: the snapshot it makes is thrown away, the installed
 * one stays. A shipped cache would be of no use, as Deno keys it by the modules' absolute paths.
 * Never rejects: without the cache, sandboxes only start a little slower.
 */
export function fillDenoCache(inputs: SnapshotInputs, snapshotPath: string): Promise<void> {
  let fill = denoCacheFills.get(snapshotPath);
  if (!fill) {
    const denoDirectory = `${snapshotPath}.deno.${randomBytes(6).toString("hex")}.tmp`;
    fill = runDenoScript(buildLaunch(inputs, denoDirectory), BUILD_TIMEOUT_MS, { background: true })
      .then(() => {
        if (snapshotDenoDirectory(snapshotPath)) return;
        renameSync(denoDirectory, `${snapshotPath}.deno`);
      })
      .catch(() => undefined)
      // Once per snapshot and process, whatever the outcome: a fill that failed is not retried
      // at every start.
      .finally(() => rmSync(denoDirectory, { recursive: true, force: true }));
    denoCacheFills.set(snapshotPath, fill);
  }
  return fill;
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Builds a snapshot into `directory` (a trusted step: Deno boots Pyodide and the runtime, no
 * user code runs, and the bytes come back over stdout, so the build needs no write
 * permission). The file is written read-only and renamed into place atomically. Concurrent
 * builds of the same file share one build: in this process through a promise, across
 * processes through a lock file next to the target.
 */
export function buildSnapshot(inputs: SnapshotInputs, directory: string): Promise<string> {
  const target = join(directory, snapshotFileName(inputs));
  let build = buildsInProgress.get(target);
  if (!build) {
    build = writeSnapshot(inputs, target).finally(() => buildsInProgress.delete(target));
    buildsInProgress.set(target, build);
  }
  return build;
}

async function writeSnapshot(inputs: SnapshotInputs, target: string): Promise<string> {
  if (existsSync(target)) return target;
  mkdirSync(join(target, ".."), { recursive: true });
  const lock = `${target}.lock`;
  if (!(await acquireBuildLock(lock, target))) return target;
  try {
    return await buildInto(inputs, target);
  } finally {
    rmSync(lock, { force: true });
  }
}

/**
 * Takes the lock, or waits for the process that holds it: true means "build it", false means
 * another process built it meanwhile. A lock older than a build can take is abandoned.
 */
async function acquireBuildLock(lock: string, target: string): Promise<boolean> {
  const pollMs = 250;
  for (let waited = 0; waited <= 2 * BUILD_TIMEOUT_MS; waited += pollMs) {
    try {
      closeSync(openSync(lock, "wx"));
      return !existsSync(target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (existsSync(target)) return false;
    try {
      if (Date.now() - statSync(lock).mtimeMs > BUILD_TIMEOUT_MS) rmSync(lock, { force: true });
    } catch {
      // The lock went away between the two calls: try again.
    }
    await sleep(pollMs);
  }
  return true;
}

/** The trusted build of a snapshot, filling `denoDirectory` with Deno's cache as it goes. */
function buildLaunch(inputs: SnapshotInputs, denoDirectory: string): DenoLaunch {
  return {
    denoPath: inputs.denoPath,
    script: join(inputs.assetsDirectory, "build-snapshot.js"),
    config: {
      pyodideDir: inputs.pyodideDirectory,
      runtimePath: inputs.runtimePath,
      preloadedModules: inputs.preloadedModules,
    },
    readPaths: [inputs.pyodideDirectory, inputs.assetsDirectory, inputs.runtimePath],
    memoryLimitMb: BUILD_MEMORY_LIMIT_MB,
    denoDirectory: { writeTo: denoDirectory },
  };
}

async function buildInto(inputs: SnapshotInputs, target: string): Promise<string> {
  const denoDirectory = `${target}.deno.${randomBytes(6).toString("hex")}.tmp`;
  const launch = buildLaunch(inputs, denoDirectory);
  const temporary = `${target}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    const bytes = await runDenoScript(launch, BUILD_TIMEOUT_MS);
    // The Deno cache first: a sandbox that finds the snapshot then finds its cache too.
    rmSync(`${target}.deno`, { recursive: true, force: true });
    renameSync(denoDirectory, `${target}.deno`);
    writeFileSync(temporary, bytes, { mode: 0o444 });
    chmodSync(temporary, 0o444);
    renameSync(temporary, target);
  } finally {
    rmSync(temporary, { force: true });
    rmSync(denoDirectory, { recursive: true, force: true });
  }
  pruneSnapshots(join(target, ".."));
  return target;
}

/** Each runtime change makes a new ~30 MB snapshot: keep the most recent few only. */
function pruneSnapshots(directory: string): void {
  const snapshots = readdirSync(directory)
    .filter((name) => name.endsWith(".snapshot"))
    .map((name) => ({ path: join(directory, name), modified: statSync(join(directory, name)).mtimeMs }))
    .sort((first, second) => second.modified - first.modified);
  for (const stale of snapshots.slice(SNAPSHOTS_KEPT)) {
    rmSync(stale.path, { force: true });
    rmSync(`${stale.path}.deno`, { recursive: true, force: true });
  }
}
