// The sandbox: Pyodide running smol's Python runtime inside a Deno process that may read only
// Pyodide's files, these assets, the runtime, the snapshot and the wheels it was given. The
// host (LocalPythonExecutor) starts it with those permissions and nothing else; see
// ../README.md for the flags and why each matters.
//
// Deno.args[0] is a JSON object:
//   { pyodideDir, runtimePath, preloadedModules: string[], snapshotPath?: string, wheelPaths: string[] }
// After start-up this file only moves lines: the runtime's `serve` reads the host's lines from
// stdin (synchronously, so that a tool call blocks the Python code until the host answers) and
// writes its framed lines to stdout.

import { installRuntime, loadInterpreter, removePersistentStorage, writeAll, writeToStderr } from "./boot.js";
import { openSparseSnapshot } from "./snapshot-format.js";

removePersistentStorage();

const config = JSON.parse(Deno.args[0] ?? "{}");
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
const decoder = new TextDecoder();
let buffer = new Uint8Array(1 << 16);
let start = 0;
let end = 0;

/**
 * Blocks until the host sends a whole line and returns it without "\n". At end of input it
 * returns undefined, which Python sees as None (a JS null would arrive as `jsnull`).
 */
function readLine() {
  let searchFrom = start;
  for (;;) {
    const newline = buffer.subarray(searchFrom, end).indexOf(10);
    if (newline !== -1) {
      const stop = searchFrom + newline;
      const line = decoder.decode(buffer.subarray(start, stop));
      start = stop + 1;
      return line;
    }
    if (end === buffer.length) {
      // Full: drop the bytes already returned, and grow when a single line fills the buffer.
      buffer.copyWithin(0, start, end);
      end -= start;
      start = 0;
      if (end === buffer.length) {
        const bigger = new Uint8Array(buffer.length * 2);
        bigger.set(buffer);
        buffer = bigger;
      }
    }
    searchFrom = end;
    const count = Deno.stdin.readSync(buffer.subarray(end));
    if (count === null || count === 0) {
      if (end === start) return undefined;
      const rest = decoder.decode(buffer.subarray(start, end));
      start = end;
      return rest;
    }
    end += count;
  }
}

function writeLine(line) {
  writeAll(Deno.stdout, encoder.encode(`${line}\n`));
}

pyodide.pyimport("smol_runtime").serve(readLine, writeLine);
Deno.exit(0);
