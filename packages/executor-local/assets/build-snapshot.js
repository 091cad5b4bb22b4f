// Trusted step: boots Pyodide with smol's runtime (no user code ever runs here) and writes a
// memory snapshot of that state to stdout. The host stores it read-only; the sandbox runner
// then starts from it in a fraction of the time of a plain start.
//
// Deno.args[0] is a JSON object: { pyodideDir, runtimePath }. The process gets the same
// read-only permissions as the sandbox: it needs no write access, since the bytes go to stdout.

import { installRuntime, loadInterpreter, removePersistentStorage, writeAll } from "./boot.js";

removePersistentStorage();

const config = JSON.parse(Deno.args[0] ?? "{}");
const pyodide = await loadInterpreter({ pyodideDir: config.pyodideDir, makeSnapshot: true });
installRuntime(pyodide, Deno.readTextFileSync(config.runtimePath));
writeAll(Deno.stdout, pyodide.makeMemorySnapshot());
Deno.exit(0);
