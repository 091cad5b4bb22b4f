/**
 * Builds the Pyodide memory snapshot the sandbox starts from, ahead of the first run (a trusted
 * step: no user code runs while it is made). Executors build it on first use anyway; run this
 * at install or deploy time so that no user waits for it.
 *
 *   pnpm --filter @smol/executor-local build-snapshot                 # into ~/.cache/smol/executor-local
 *   pnpm --filter @smol/executor-local build-snapshot --cache-dir dir # for LocalPythonExecutor({ cacheDir: dir })
 *   pnpm --filter @smol/executor-local build-snapshot --ship          # into assets/snapshot, for the tarball
 *
 * `--ship` runs when the package is packed (`prepack`): the published package carries the
 * snapshot of its own runtime, which executors check and copy into their cache on first use.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DenoSandboxFactory } from "../src/local/deno-sandbox-factory.js";
import { buildSnapshot, shippedSnapshotDirectory, shipSnapshot } from "../src/local/snapshot.js";

const ship = process.argv.includes("--ship");
const cacheDirIndex = process.argv.indexOf("--cache-dir");
// Shipping builds in a scratch directory: the snapshot in the user's cache may be an old one.
const scratch = ship ? mkdtempSync(join(tmpdir(), "smol-ship-snapshot-")) : undefined;
const cacheDir = scratch ?? (cacheDirIndex >= 0 ? process.argv[cacheDirIndex + 1] : undefined);
try {
  const factory = new DenoSandboxFactory({
    additionalAuthorizedImports: [],
    memoryLimitMb: 1024,
    snapshot: true,
    cacheDir,
  });
  const started = performance.now();
  const path = await buildSnapshot(factory.snapshotInputs, factory.snapshotDirectory);
  console.log(`Snapshot ready in ${((performance.now() - started) / 1000).toFixed(1)} s: ${path}`);
  if (ship) {
    const directory = shippedSnapshotDirectory(factory.assetsDirectory);
    const manifest = shipSnapshot(path, directory);
    console.log(
      `Shipped as ${join(directory, manifest.file)} (${manifest.bytes} bytes, sha256 ${manifest.sha256})`,
    );
  }
} finally {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}
