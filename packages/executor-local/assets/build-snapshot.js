// Trusted step: boots Pyodide with smol's runtime (no user code ever runs here) and writes a
// memory snapshot of that state to stdout, in smol's sparse form (snapshot-format.js). The host
// stores it read-only; the sandbox runner then starts from it in a fraction of the time of a
// plain start.
//
// The first line on stdin is a JSON object: { pyodideDir, runtimePath, preloadedModules: string[] }.
// The process gets the same read-only permissions as the sandbox: it needs no write access,
// since the bytes go to stdout.

import {
  installRuntime,
  loadInterpreter,
  removePersistentStorage,
  stdinLineReader,
  writeAll,
} from "./boot.js";
import { encodeSparseSnapshot } from "./snapshot-format.js";

removePersistentStorage();

const config = JSON.parse(stdinLineReader()() ?? "{}");
const pyodide = await loadInterpreter({ pyodideDir: config.pyodideDir, makeSnapshot: true });
installRuntime(pyodide, Deno.readTextFileSync(config.runtimePath), config.preloadedModules);
for (const chunk of encodeSparseSnapshot(pyodide.makeMemorySnapshot())) writeAll(Deno.stdout, chunk);
Deno.exit(0);
