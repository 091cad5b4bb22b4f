import { createHash, randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import type { DenoLaunch } from "./deno-command.js";
import { runDenoScript } from "./deno-process.js";

/** What a snapshot is made from; any change to these makes a new snapshot (a new file name). */
export interface SnapshotInputs {
  denoPath: string;
  pyodideDirectory: string;
  pyodideVersion: string;
  assetsDirectory: string;
  runtimePath: string;
  denoDirectory: string;
  workingDirectory: string;
}

const BUILD_TIMEOUT_MS = 180_000;
/** Snapshots kept per directory: a few, for several smol versions sharing one cache. */
const SNAPSHOTS_KEPT = 3;
/** Pyodide's state after boot is ~30 MB; the build itself needs some room on top. */
const BUILD_MEMORY_LIMIT_MB = 1024;
const buildsInProgress = new Map<string, Promise<string>>();

/**
 * The snapshot's file name: keyed by the Pyodide version and a hash of everything that shapes
 * the interpreter state it holds (the runtime and the boot scripts).
 */
export function snapshotFileName(inputs: SnapshotInputs): string {
  const hash = createHash("sha256");
  hash.update(inputs.pyodideVersion);
  for (const path of [inputs.runtimePath, join(inputs.assetsDirectory, "boot.js"), join(inputs.assetsDirectory, "build-snapshot.js")]) {
    hash.update("\0");
    hash.update(readFileSync(path));
  }
  return `pyodide-${inputs.pyodideVersion}-${hash.digest("hex").slice(0, 16)}.snapshot`;
}

/** The first existing, non-empty snapshot with this name in these directories. */
export function findSnapshot(directories: readonly string[], fileName: string): string | undefined {
  for (const directory of directories) {
    const path = join(directory, fileName);
    try {
      if (statSync(path).size > 0) return path;
    } catch {
      // Not there; try the next directory.
    }
  }
  return undefined;
}

/**
 * Builds a snapshot into `directory` (a trusted step: Deno boots Pyodide and the runtime, no
 * user code runs, and the bytes come back over stdout, so the build needs no write
 * permission). The file is written read-only and renamed into place atomically. Concurrent
 * builds of the same file in this process share one build.
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
  const launch: DenoLaunch = {
    denoPath: inputs.denoPath,
    script: join(inputs.assetsDirectory, "build-snapshot.js"),
    config: { pyodideDir: inputs.pyodideDirectory, runtimePath: inputs.runtimePath },
    readPaths: [inputs.pyodideDirectory, inputs.assetsDirectory, inputs.runtimePath],
    denoDirectory: inputs.denoDirectory,
    memoryLimitMb: BUILD_MEMORY_LIMIT_MB,
    workingDirectory: inputs.workingDirectory,
  };
  const bytes = await runDenoScript(launch, BUILD_TIMEOUT_MS);
  mkdirSync(join(target, ".."), { recursive: true });
  const temporary = `${target}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    writeFileSync(temporary, bytes, { mode: 0o444 });
    chmodSync(temporary, 0o444);
    renameSync(temporary, target);
  } finally {
    rmSync(temporary, { force: true });
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
  for (const stale of snapshots.slice(SNAPSHOTS_KEPT)) rmSync(stale.path, { force: true });
}
