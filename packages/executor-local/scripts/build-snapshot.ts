/**
 * Builds the Pyodide memory snapshot the sandbox starts from (a trusted step: no user code
 * runs while it is made). By default it goes into the package's `assets/snapshot/`, where every
 * LocalPythonExecutor looks first; `--cache-dir <dir>` builds into `<dir>/snapshots/` instead
 * (the place executors with that `cacheDir` build it on first use).
 *
 *   pnpm --filter @smol/executor-local build-snapshot
 *   pnpm --filter @smol/executor-local build-snapshot --cache-dir ~/.cache/smol/executor-local
 */
import { join } from "node:path";
import { DenoSandboxFactory } from "../src/local/deno-sandbox-factory.js";
import { buildSnapshot } from "../src/local/snapshot.js";

const cacheDirIndex = process.argv.indexOf("--cache-dir");
const cacheDir = cacheDirIndex >= 0 ? process.argv[cacheDirIndex + 1] : undefined;
const factory = new DenoSandboxFactory({ additionalAuthorizedImports: [], memoryLimitMb: 1024, snapshot: true, cacheDir });
const directory = cacheDir ? join(factory.cacheDirectory, "snapshots") : join(factory.assetsDirectory, "snapshot");
const started = performance.now();
const path = await buildSnapshot(factory.snapshotInputs, directory);
console.log(`Snapshot ready in ${((performance.now() - started) / 1000).toFixed(1)} s: ${path}`);
