// The sandbox: Pyodide running smol's Python runtime inside a Deno process that may read only
// Pyodide's files, these assets, the runtime, the snapshot and the wheels it was given. The
// host (LocalPythonExecutor) starts it with those permissions and nothing else; see
// ../README.md for the flags and why each matters.
//
// Deno.args[0] is a JSON object:
//   { pyodideDir, runtimePath, snapshotPath?: string, wheelPaths: string[] }
// After start-up this file only moves lines: the runtime's `serve` reads the host's lines from
// stdin (synchronously, so that a tool call blocks the Python code until the host answers) and
// writes its framed lines to stdout.

import { installRuntime, loadInterpreter, removePersistentStorage, writeAll, writeToStderr } from "./boot.js";

removePersistentStorage();

const config = JSON.parse(Deno.args[0] ?? "{}");
const snapshot = config.snapshotPath ? Deno.readFileSync(config.snapshotPath) : undefined;
const pyodide = await loadInterpreter({ pyodideDir: config.pyodideDir, snapshot });
if (!snapshot) installRuntime(pyodide, Deno.readTextFileSync(config.runtimePath));

if (config.wheelPaths.length > 0) {
  const failures = [];
  const loaded = await pyodide.loadPackage(config.wheelPaths, {
    messageCallback: () => {},
    errorCallback: (message) => failures.push(message),
  });
  if (loaded.length < config.wheelPaths.length || failures.length > 0) {
    writeToStderr(`smol sandbox: could not install packages: ${failures.join(" ") || "unknown error"}`);
    Deno.exit(3);
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
let buffer = new Uint8Array(1 << 16);
let start = 0;
let end = 0;

/** Blocks until the host sends a whole line; returns it without "\n", or null at end of input. */
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
      if (end === start) return null;
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
