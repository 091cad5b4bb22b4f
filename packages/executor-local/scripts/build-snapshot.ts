/**
 * Builds the Pyodide memory snapshot the sandbox starts from, ahead of the first run (a trusted
 * step: no user code runs while it is made). Executors build it on first use anyway; run this
 * at install or deploy time so that no user waits for it.
 *
 *   pnpm --filter @smol/executor-local build-snapshot                 # into ~/.cache/smol/executor-local
 *   pnpm --filter @smol/executor-local build-snapshot --cache-dir dir # for LocalPythonExecutor({ cacheDir: dir })
 */
import { DenoSandboxFactory } from "../src/local/deno-sandbox-factory.js";
import { buildSnapshot } from "../src/local/snapshot.js";

const cacheDirIndex = process.argv.indexOf("--cache-dir");
const cacheDir = cacheDirIndex >= 0 ? process.argv[cacheDirIndex + 1] : undefined;
const factory = new DenoSandboxFactory({
  additionalAuthorizedImports: [],
  memoryLimitMb: 1024,
  snapshot: true,
  cacheDir,
});
const started = performance.now();
const path = await buildSnapshot(factory.snapshotInputs, factory.snapshotDirectory);
console.log(`Snapshot ready in ${((performance.now() - started) / 1000).toFixed(1)} s: ${path}`);
