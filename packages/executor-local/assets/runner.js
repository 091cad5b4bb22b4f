// The sandbox: Pyodide running smol's Python runtime inside a Deno process that may read only
// Pyodide's files, these assets, the runtime, the snapshot and the wheels it was given. The
// host (LocalPythonExecutor) starts it with those permissions and nothing else; see
// ../README.md for the flags and why each matters.
//
// The first line on stdin is a JSON object (not an argument: Deno.args would show its paths):
//   { pyodideDir, runtimePath, preloadedModules: string[], snapshotPath?: string, wheelPaths: string[] }
// After start-up this file only moves lines: the runtime's `serve` reads the host's lines from
// stdin (synchronously, so that a tool call blocks the Python code until the host answers) and
// writes its framed lines to stdout. `lockDown` runs first: no guest code runs before it.

import {
  installRuntime,
  loadInterpreter,
  lockDown,
  prepareLockDown,
  removePersistentStorage,
  stdinLineReader,
  writeAll,
  writeToStderr,
} from "./boot.js";
import { openSparseSnapshot } from "./snapshot-format.js";

removePersistentStorage();
prepareLockDown();

const readLine = stdinLineReader();
const config = JSON.parse(readLine() ?? "{}");
const pyodide = await startInterpreter();

/** Starts from the snapshot when there is one; a snapshot that fails to load means a plain start. */
async function startInterpreter() {
  if (config.snapshotPath) {
    let snapshot;
    try {
      snapshot = openSparseSnapshot(config.snapshotPath);
      return await loadInterpreter({ pyodideDir: config.pyodideDir, snapshot });
    } catch (error) {
      writeToStderr(
        `smol sandbox: the snapshot ${config.snapshotPath} did not load (${error}); starting without it`,
      );
    } finally {
      snapshot?.close();
    }
  }
  const interpreter = await loadInterpreter({ pyodideDir: config.pyodideDir });
  installRuntime(interpreter, Deno.readTextFileSync(config.runtimePath), config.preloadedModules);
  return interpreter;
}

// The host fetched these wheels and lists them dependencies first; one at a time keeps that order.
for (const wheelPath of config.wheelPaths) {
  const failures = [];
  const loaded = await pyodide.loadPackage(wheelPath, {
    messageCallback: () => {},
    errorCallback: (message) => failures.push(message),
  });
  if (loaded.length === 0 || failures.length > 0) {
    writeToStderr(`smol sandbox: could not install ${wheelPath}: ${failures.join(" ") || "unknown error"}`);
    Deno.exit(3);
  }
}

const encoder = new TextEncoder();

function writeLine(line) {
  writeAll(Deno.stdout, encoder.encode(`${line}\n`));
}

const runtime = pyodide.pyimport("smol_runtime");
lockDown();
runtime.serve(readLine, writeLine);
Deno.exit(0);
