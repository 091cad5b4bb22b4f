// One session of the shared sandbox process: Pyodide and smol's runtime in a worker thread of its
// own (its own V8 isolate, heap and WebAssembly memory), started by the trusted launcher
// (isolate-host.js) with the launcher's permissions: reading the sandbox's files, nothing else.
// Its lines come through a SharedArrayBuffer (isolate-channel.js) and go out as messages to the
// launcher, which checks them and tags them with the session's id: this isolate never touches
// the host's channel.
//
// `workerData` is { config, module, channel, interrupt }: the sandbox's settings, Pyodide's
// compiled WebAssembly module (compiled once by the launcher for every isolate), the channel's
// buffer, and Pyodide's interrupt buffer (the launcher stops a run past its timeout with it).

import { parentPort, workerData } from "node:worker_threads";
import { compactHeapNow, lockDown, prepareLockDown, removePersistentStorage, writeToStderr } from "./boot.js";
import { channelReader } from "./isolate-channel.js";
import { serveSession } from "./sandbox-session.js";

// The launcher starts the process with `--expose-gc`: V8's collector is taken off this isolate's
// global before anything else runs (the property cannot be deleted, but it can be emptied for
// good), and kept for compactHeap. A guest can still reach a `gc` in a context of its own,
// through node:vm, as it could without the flag through node:v8's `setFlagsFromString`: it
// collects this isolate's heap, nothing else's.
const collectGarbage = globalThis.gc;
Object.defineProperty(globalThis, "gc", { value: undefined, writable: false });

/** Taken at load, for compactHeap. */
const { getHeapStatistics } = process.getBuiltinModule("node:v8");

/**
 * Below this growth since the last compaction, a collection (25–40 ms of CPU) would give back
 * too little to be worth it: a run of an agent's step leaves far less (no collection), the boot
 * several times more (a collection).
 */
const COMPACT_AFTER_GROWTH_BYTES = 4 * 1024 * 1024;
let heldAfterCompaction = 0;

removePersistentStorage();
prepareLockDown();

const { config, module, channel, interrupt } = workerData;
const post = parentPort.postMessage.bind(parentPort);
/** Long enough that a session's start or a tool call's answer seldom waits for a collection. */
const IDLE_BEFORE_COMPACTING_MS = 250;
try {
  await serveSession(
    // Pyodide compiles its WebAssembly itself (~200 ms); the launcher has compiled it once for
    // every isolate, and V8 shares the compiled code between them.
    { ...config, wasmModule: module },
    channelReader(channel, { whenIdle: compactHeap, idleAfterMs: IDLE_BEFORE_COMPACTING_MS }),
    post,
    () => {
      // Before any guest code: the launcher starts the next spare once this one is ready.
      post({ booted: true });
      lockDown();
      hideStdio();
      reportExits();
    },
    new Uint8Array(interrupt),
  );
  post({ ended: "the runtime stopped serving" });
} catch (error) {
  post({ ended: `the runtime failed: ${error}` });
}
process.exit(0);

/** What V8 holds for this isolate: its heap's pages and the memory outside them (buffers, wasm). */
function heldBytes() {
  const statistics = getHeapStatistics();
  return statistics.total_physical_size + statistics.external_memory;
}

/**
 * Gives back what V8 holds beyond the live heap (the garbage of the boot, of a run that made
 * much), with full, compacting collections ("last resort", which shrinks what V8 keeps: on 10
 * idle sessions, ~51 MB per session against ~59 with none and 58.6 with a plain major one).
 * Run by the channel's reader once the session has waited IDLE_BEFORE_COMPACTING_MS for its next
 * line: a booted spare, a session between two runs. An isolate blocked on its channel never
 * turns its event loop, where V8's memory reducer would do this by itself.
 */
function compactHeap() {
  try {
    if (!collectGarbage || heldBytes() - heldAfterCompaction < COMPACT_AFTER_GROWTH_BYTES) return;
    compactHeapNow(collectGarbage);
    heldAfterCompaction = heldBytes();
  } catch (error) {
    // Tidying memory is never worth a session: it goes on with its heap as it is.
    writeToStderr(`smol sandbox: compacting an idle isolate's heap failed: ${error}`);
  }
}

/**
 * The process's stdin, stdout and stderr belong to the launcher and the host's diagnostics, not
 * to a session (its channel is the launcher's): their objects are taken away. (Pyodide's own
 * writes go to stderr through boot.js, which took it at load.) This does not close them:
 * `node:fs` still writes to file descriptors 1 and 2 (Deno maps them straight to the process's),
 * so text there may come from any session. Nothing of the host's protocol passes through them;
 * the host keeps their tail as the reason it gives if the whole process dies.
 */
function hideStdio() {
  const refuse = {
    get() {
      throw new Error("the process's standard streams are not available to a session of the shared sandbox");
    },
    enumerable: false,
    configurable: false,
  };
  for (const owner of [Deno, process]) {
    for (const name of ["stdin", "stdout", "stderr"]) Object.defineProperty(owner, name, refuse);
  }
}

/**
 * `Deno.exit`, `process.exit` and `close` end this worker only, and the launcher would learn it
 * only from the worker's exit: each first says so, so that the host's reason names the code.
 */
function reportExits() {
  const tell = (code) => post({ ended: `the code exited (code ${code ?? 0})` });
  for (const [owner, name] of [
    [Deno, "exit"],
    [process, "exit"],
    [globalThis, "close"],
  ]) {
    const original = owner[name];
    if (typeof original !== "function") continue;
    owner[name] = function exit(code) {
      tell(code);
      return original.call(this, code);
    };
  }
}
