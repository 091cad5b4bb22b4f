// The sandbox: Pyodide running smol's Python runtime inside a Deno process that may read only
// Pyodide's files, these assets, the runtime, the snapshot and the wheels it was given. The
// host (LocalPythonExecutor) starts it with those permissions and nothing else; see
// ../README.md for the flags and why each matters.
//
// The first line on stdin is a JSON object (not an argument: Deno.args would show its paths):
//   { pyodideDir, runtimePath, preloadedModules: string[], snapshotPath?: string,
//     packages: { [topLevelModule]: wheelPaths[] } }
// After start-up this file only moves lines: the runtime's `serve` reads the host's lines from
// stdin (synchronously, so that a tool call blocks the Python code until the host answers) and
// writes its framed lines to stdout. `lockDown` runs first: no guest code runs before it.

import { lockDown, prepareLockDown, removePersistentStorage, stdinLineReader, writeAll } from "./boot.js";
import { serveSession } from "./sandbox-session.js";

removePersistentStorage();
prepareLockDown();

const readLine = stdinLineReader();
const config = JSON.parse(readLine() ?? "{}");
const encoder = new TextEncoder();

function writeLine(line) {
  writeAll(Deno.stdout, encoder.encode(`${line}\n`));
}

await serveSession(config, readLine, writeLine, lockDown);
Deno.exit(0);
