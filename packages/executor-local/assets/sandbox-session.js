// One sandbox session's interpreter: started from the snapshot (or plainly), with the installer
// of authorized packages and the loop that serves the host's requests. Shared by the
// one-process sandbox (runner.js) and by each isolate of the shared process (isolate-worker.js),
// so that both run exactly the same runtime.

import { compilePyodideWasm, installRuntime, loadInterpreter, writeToStderr } from "./boot.js";
import { openSparseSnapshot } from "./snapshot-format.js";

/**
 * Starts the interpreter and serves the host over `readLine` / `writeLine` until the input ends.
 * `config` is runner.js's settings, plus `wasmModule` (Pyodide's compiled WebAssembly) when the
 * caller has compiled it already. `lockDown` runs before any guest code. `interruptBuffer` (a
 * shared Uint8Array), when given, is Pyodide's interrupt buffer: a 2 written there raises
 * KeyboardInterrupt in the running Python.
 */
export async function serveSession(config, readLine, writeLine, lockDown, interruptBuffer) {
  const pyodide = await startInterpreter(config);
  if (interruptBuffer) pyodide.setInterruptBuffer(interruptBuffer);
  const packages = config.packages ?? {};
  const runtime = pyodide.pyimport("smol_runtime");
  const install = installerOf(pyodide, packages);
  if (canWaitInPython()) {
    lockDown();
    // Entered as a promising call so that an import can wait for its package (`run_sync`, through
    // JavaScript Promise Integration). Only that wait lets the event loop turn while Python runs:
    // everything else, the blocking reads between runs included, stays synchronous.
    await runtime.serve.callPromising(readLine, writeLine, Object.keys(packages), install);
  } else {
    // A Deno without JavaScript Promise Integration (an older one given as denoPath): an import
    // cannot wait, so every package is installed before any guest code runs, as a start cost.
    for (const module of Object.keys(packages)) {
      const reason = await install(module);
      if (reason) writeToStderr(`smol sandbox: ${module} is not installed: ${reason}`);
    }
    lockDown();
    runtime.serve(readLine, writeLine);
  }
}

/** Starts from the snapshot when there is one; a snapshot that fails to load means a plain start. */
async function startInterpreter(config) {
  // Compiled here rather than by Pyodide, which would keep the 10 MB of bytes for as long as the
  // interpreter lives (see compiledModuleOptions in boot.js).
  const wasmModule = config.wasmModule ?? compilePyodideWasm(config.pyodideDir);
  if (config.snapshotPath) {
    let snapshot;
    try {
      snapshot = openSparseSnapshot(config.snapshotPath);
      const interpreter = await loadInterpreter({
        pyodideDir: config.pyodideDir,
        snapshot,
        wasmModule,
      });
      reseedRandom(interpreter);
      return interpreter;
    } catch (error) {
      writeToStderr(
        `smol sandbox: the snapshot ${config.snapshotPath} did not load (${error}); starting without it`,
      );
    } finally {
      snapshot?.close();
    }
  }
  const interpreter = await loadInterpreter({
    pyodideDir: config.pyodideDir,
    wasmModule,
  });
  installRuntime(interpreter, Deno.readTextFileSync(config.runtimePath), config.preloadedModules);
  return interpreter;
}

/**
 * The snapshot holds the `random` module as it was seeded when the snapshot was built: every
 * sandbox started from it would draw the same "random" numbers. Each one is seeded afresh here,
 * from the system's entropy (`os.urandom`, i.e. WebCrypto), as a fresh CPython would be.
 */
function reseedRandom(pyodide) {
  pyodide.runPython("import random as _smol_random\n_smol_random.seed()\ndel _smol_random");
}

/**
 * Installs the package of an authorized import on its first import, never at start: authorizing
 * `numpy` costs nothing to a run that does not import it. `config.packages` maps each top-level
 * module to the wheels it needs, dependencies first; a wheel the host is still downloading is
 * waited for (the host writes `<wheel>.unavailable` with the reason when the download fails).
 * Returns a promise of `undefined` (Python's None; a `null` would arrive as `jsnull`) when
 * installed, or of the reason it could not be.
 */
function installerOf(pyodide, packages) {
  const installed = new Set();
  return (module) => {
    const wheels = Object.hasOwn(packages, module) ? packages[module] : [];
    return (async () => {
      for (const wheel of wheels) {
        if (installed.has(wheel)) continue;
        const absent = await wheelArrival(wheel);
        if (absent) return absent;
        const failures = [];
        const loaded = await pyodide.loadPackage(wheel, {
          messageCallback: () => {},
          errorCallback: (message) => failures.push(message),
        });
        if (loaded.length === 0 || failures.length > 0) {
          return `installing ${basename(wheel)} failed: ${failures.join(" ") || "unknown error"}`;
        }
        installed.add(wheel);
      }
      return undefined;
    })();
  };
}

const ARRIVAL_POLL_MS = 100;
/** Longer than the host's download can take (its own timeout is 120 s). */
const ARRIVAL_TIMEOUT_MS = 150_000;

/** Undefined once the wheel is there; the reason when the host says it will not come. */
async function wheelArrival(wheel) {
  for (let waited = 0; ; waited += ARRIVAL_POLL_MS) {
    if (exists(wheel)) return undefined;
    if (exists(`${wheel}.unavailable`)) return Deno.readTextFileSync(`${wheel}.unavailable`);
    if (waited >= ARRIVAL_TIMEOUT_MS) return `${basename(wheel)} did not arrive in the package cache`;
    await new Promise((resolve) => setTimeout(resolve, ARRIVAL_POLL_MS));
  }
}

function exists(path) {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function basename(path) {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Whether Python can wait for a promise (`run_sync`): JSPI, in its current or its first form. */
function canWaitInPython() {
  return typeof WebAssembly.Suspending === "function" || typeof WebAssembly.Suspender === "function";
}
