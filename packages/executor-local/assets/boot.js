// Loads Pyodide and smol's Python runtime inside a Deno process. Shared by the sandbox runner
// (runner.js) and the trusted snapshot builder (build-snapshot.js), so that a snapshot holds
// exactly the interpreter state a plain start would reach.
//
// Plain JavaScript on purpose: Deno runs it as is, with no transpiling and no config file.

/**
 * Removes the web APIs that Deno persists on disk (in its DENO_DIR), so that code in one sandbox
 * cannot leave data for a later one. The host also gives each process a private DENO_DIR,
 * thrown away with it; this is the second layer.
 */
export function removePersistentStorage() {
  for (const name of ["localStorage", "sessionStorage", "caches"]) {
    delete globalThis[name];
  }
}

/**
 * Closes what the guest could reach from JavaScript (Pyodide lets Python call it) beyond what
 * Deno's permissions stop. Called once the interpreter has booted, before any guest code runs.
 *
 * - Worker threads: a worker keeps running after its run has returned (beyond `timeoutSeconds`),
 *   and its event loop turns while the sandbox blocks on stdin. They are made unavailable rather
 *   than bounded: the guest never needs one, and bounding a thread from inside the process it
 *   shares with the guest is not possible. Both constructors (the web `Worker`, and node's,
 *   which every route reaches: `process.getBuiltinModule`, `import("node:worker_threads")`,
 *   `require`) call `super()` first, which goes through the prototype of the class: that
 *   prototype becomes a function that throws, and the class is frozen so that it cannot be put
 *   back. The host's CPU watchdog is the second layer.
 * - WebGPU: `navigator.gpu`, the `GPU…` classes and `OffscreenCanvas` are removed (the host also
 *   starts Deno with no WebGPU backend, so that no GPU driver is ever loaded).
 * - Host paths: `Deno.execPath()`, `Deno.mainModule`, `Deno.cwd()`, `process.argv`,
 *   `process.execPath`, `process.cwd()` would show the host's paths (the home or project
 *   directory); they get neutral values. `Deno.args` is empty: the settings came on stdin.
 * - `Deno[Deno.internal]`: Deno's internals (its `core`), which no guest needs.
 * - Changing permissions: Deno's permissions belong to the process, not to a thread. A session
 *   of the shared process that revoked one (read, say) would revoke it for the launcher and for
 *   every other isolate: no new session could start, no package could load. `revoke` and
 *   `request` (a request is denied anyway: there is no terminal to prompt) refuse, on the
 *   prototype that every route to them shares; `query` stays.
 * - Signalling its own process: Deno lets a process signal itself without `--allow-run`, and
 *   the shared process is every session's: `Deno.kill(Deno.pid, "SIGKILL")` from one session
 *   ended them all. `Deno.kill`, `process.kill` and `process._kill` refuse.
 * - Handling the process's signals: a handler is the process's, not the session's, and would
 *   keep the process alive through a SIGINT or SIGTERM meant to end it (a Ctrl-C in the host's
 *   terminal reaches the sandbox too). `Deno.addSignalListener` refuses, and with it
 *   `process.on("SIGINT", …)` and its kin, which call it.
 */
export function lockDown() {
  refusePermissionChanges();
  refuseSignals();
  refuseWorkers();
  removeWebGpu();
  hideHostPaths();
  delete Deno[Deno.internal];
}

/**
 * Loads `node:worker_threads` (~30 ms) in a moment when the main thread would wait anyway (while
 * V8 compiles Pyodide's WebAssembly in the background), so that `lockDown` finds it loaded.
 */
export function prepareLockDown() {
  setTimeout(() => process.getBuiltinModule("node:worker_threads"), 0);
}

/** A function that throws `message`: what each door that lockDown closes becomes. */
function refusing(message) {
  return function refused() {
    throw new Error(message);
  };
}

function refuseWorkers() {
  const nodeWorker = process.getBuiltinModule("node:worker_threads").Worker;
  const refused = refusing("worker threads are not available in the smol sandbox");
  for (const WorkerClass of [globalThis.Worker, nodeWorker]) {
    Object.setPrototypeOf(WorkerClass, refused);
    Object.freeze(WorkerClass);
  }
  delete globalThis.Worker;
}

function refusePermissionChanges() {
  const refused = refusing("permissions cannot be changed in the smol sandbox");
  const prototypes = new Set(
    [Deno.permissions, globalThis.navigator?.permissions].filter(Boolean).map(Object.getPrototypeOf),
  );
  for (const prototype of prototypes) {
    for (const name of ["revoke", "revokeSync", "request", "requestSync"]) {
      Object.defineProperty(prototype, name, { value: refused, writable: false, configurable: false });
    }
    Object.freeze(prototype);
  }
}

function refuseSignals() {
  const sending = refusing("signals cannot be sent from the smol sandbox");
  const handling = refusing("signals cannot be handled in the smol sandbox");
  for (const [owner, name, refused] of [
    [Deno, "kill", sending],
    [process, "kill", sending],
    [process, "_kill", sending],
    [Deno, "addSignalListener", handling],
  ]) {
    Object.defineProperty(owner, name, { value: refused, writable: false, configurable: false });
  }
}

function removeWebGpu() {
  delete Object.getPrototypeOf(navigator).gpu;
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    if (/^GPU/.test(name) || name === "OffscreenCanvas") delete globalThis[name];
  }
}

/** What the guest sees instead of the host's paths. */
const NEUTRAL_EXEC_PATH = "/sandbox/deno";
const NEUTRAL_MAIN_MODULE = "file:///sandbox/main.js";
const NEUTRAL_CWD = "/sandbox";

function hideHostPaths() {
  const constant = (value) => ({ value, writable: false, enumerable: true, configurable: false });
  Object.defineProperties(Deno, {
    args: constant(Object.freeze([])),
    execPath: constant(() => NEUTRAL_EXEC_PATH),
    mainModule: constant(NEUTRAL_MAIN_MODULE),
    cwd: constant(() => NEUTRAL_CWD),
  });
  Object.defineProperties(process, {
    argv: constant(Object.freeze([NEUTRAL_EXEC_PATH, "/sandbox/main.js"])),
    execArgv: constant(Object.freeze([])),
    cwd: constant(() => NEUTRAL_CWD),
  });
  // A non-configurable accessor whose setter stores the value. (`process.argv0` is one too, but
  // its setter does nothing: the host starts the process with argv[0] = "deno".)
  process.execPath = NEUTRAL_EXEC_PATH;
}

/**
 * A reader of stdin's lines: each call blocks until a whole line has come and returns it without
 * "\n"; at end of input it returns undefined (which Python sees as None, where a JS null would
 * arrive as `jsnull`). Synchronous, so that a tool call blocks the Python code until the host
 * answers.
 */
export function stdinLineReader() {
  const decoder = new TextDecoder();
  const readLine = byteLineReader(Deno.stdin);
  return () => {
    const line = readLine();
    return line === undefined ? undefined : decoder.decode(line);
  };
}

/**
 * The lines of a file read synchronously (`readSync`), as bytes without "\n": each call blocks
 * until a whole line has come; undefined at end of input (a last line without "\n" still comes).
 * A line returned is a view of the reader's buffer, valid until the next call: one copy fewer on
 * the path of every tool call (a long line, for which the buffer grew, comes as a copy).
 */
export function byteLineReader(file) {
  const initialBytes = 1 << 16;
  let buffer = new Uint8Array(initialBytes);
  let start = 0;
  let end = 0;
  return function readLine() {
    let searchFrom = start;
    for (;;) {
      const newline = buffer.subarray(searchFrom, end).indexOf(10);
      if (newline !== -1) {
        const stop = searchFrom + newline;
        if (buffer.length > initialBytes) {
          // Grown for a long line: that line is handed out as a copy and the buffer shrinks back,
          // rather than hold its size for as long as the reader lives.
          const line = buffer.slice(start, stop);
          const rest = buffer.subarray(stop + 1, end);
          buffer = new Uint8Array(Math.max(initialBytes, rest.length));
          buffer.set(rest);
          start = 0;
          end = rest.length;
          return line;
        }
        const line = buffer.subarray(start, stop);
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
      const count = file.readSync(buffer.subarray(end));
      if (count === null || count === 0) {
        if (end === start) return undefined;
        const rest = buffer.subarray(start, end);
        start = end;
        return rest;
      }
      end += count;
    }
  };
}

/**
 * A full, compacting collection ("last resort", which also shrinks what V8 keeps for the heap)
 * with `gc`, the collector that the process's `--expose-gc` puts on each thread's global. For the
 * threads that block or idle where V8's memory reducer, which runs as event-loop tasks, would not
 * give back a boot's garbage by itself (measured ~3 MB each for the launcher and the router).
 */
export function compactHeapNow(gc) {
  gc?.({ type: "major", execution: "sync", flavor: "last-resort" });
}

/** Taken at load, before any lockDown: a session of the shared process loses `Deno.stderr`. */
const stderr = Deno.stderr;

/** Writes text to the process's stderr, which the host keeps only for diagnostics. */
export function writeToStderr(text) {
  writeAll(stderr, new TextEncoder().encode(`${text}\n`));
}

/** Writes every byte, looping because one synchronous write may take only part of them. */
export function writeAll(stream, bytes) {
  let offset = 0;
  while (offset < bytes.length) {
    offset += stream.writeSync(bytes.subarray(offset));
  }
}

/**
 * Starts Pyodide from its package directory, or from a snapshot opened by `openSparseSnapshot`
 * (snapshot-format.js). `wasmModule`, when given, is Pyodide's WebAssembly already compiled, or
 * the promise of it (`compilePyodideWasm`): it is instantiated instead of Pyodide compiling the
 * bytes itself, and Pyodide never reads them (see compiledModuleOptions). The interpreter's
 * own stdout and stderr (C-level writes, `os.write(1, …)`) go to stderr: the protocol owns stdout.
 */
export async function loadInterpreter({ pyodideDir, snapshot, makeSnapshot = false, wasmModule }) {
  const { loadPyodide } = await import(new URL(`file://${pyodideDir}/pyodide.mjs`).href);
  const { default: createPyodideModule } = await import(new URL(`file://${pyodideDir}/pyodide.asm.mjs`).href);
  const createModule = standardLibraryFromDisk(createPyodideModule, pyodideDir);
  return await loadPyodide({
    indexURL: `${pyodideDir}/`,
    env: { HOME: "/home/pyodide" },
    stdout: writeToStderr,
    stderr: writeToStderr,
    createPyodideModule: createModule,
    ...(makeSnapshot ? { _makeSnapshot: true } : {}),
    ...(snapshot ? sparseSnapshotOptions(createModule, snapshot) : {}),
    ...(wasmModule ? compiledModuleOptions(pyodideDir, wasmModule) : {}),
  });
}

/** Emscripten's error numbers (WASI's) for what the standard library's file refuses. */
const EACCES = 2;
const ENODEV = 43;

/**
 * Pyodide copies its standard library (python_stdlib.zip, 2.5 MB) into its in-memory file
 * system, and the copy stays for as long as the interpreter lives: 2.5 MB per sandbox, one
 * isolate of the shared process in twenty. Python reads the zip only to import a module that is
 * not loaded yet, so the file Pyodide writes is left empty and its reads go to the zip on disk
 * (one `pread` each, through a descriptor opened here), which the process may read and never
 * write: the file refuses writes, and changes to its size or mode touch this sandbox's view
 * alone, never the zip that the others read. The bytes read for the copy are garbage at once.
 */
function standardLibraryFromDisk(createPyodideModule, pyodideDir) {
  const redirectStandardLibrary = ({ FS }) => {
    const writeFile = FS.writeFile;
    FS.writeFile = function writeStandardLibrary(path, data, options) {
      if (!/^\/lib\/python\d+\.zip$/.test(path)) return writeFile.call(this, path, data, options);
      FS.writeFile = writeFile;
      writeFile.call(this, path, new Uint8Array(0));
      readFromDisk(FS, FS.lookupPath(path).node, `${pyodideDir}/python_stdlib.zip`);
    };
  };
  return (settings) => {
    // Pyodide's own steps before the start write the standard library (the settings object
    // becomes the Emscripten module: it is changed in place); this one runs before them.
    settings.preRun = [redirectStandardLibrary, ...[settings.preRun ?? []].flat()];
    return createPyodideModule(settings);
  };
}

/** Makes an empty in-memory file read the bytes of `realPath`, and refuse to be written. */
function readFromDisk(FS, node, realPath) {
  const fs = process.getBuiltinModule("node:fs");
  const descriptor = fs.openSync(realPath, "r");
  node.usedBytes = fs.fstatSync(descriptor).size;
  node.mode = (node.mode & ~0o777) | 0o444;
  node.stream_ops = {
    ...node.stream_ops,
    read(stream, buffer, offset, length, position) {
      const count = Math.min(length, stream.node.usedBytes - position);
      if (count <= 0) return 0;
      const target = new Uint8Array(buffer.buffer, buffer.byteOffset + offset, count);
      return fs.readSync(descriptor, target, 0, count, position);
    },
    write() {
      throw new FS.ErrnoError(EACCES);
    },
    mmap() {
      throw new FS.ErrnoError(ENODEV);
    },
  };
}

/**
 * Compiles Pyodide's WebAssembly (in V8's background threads: the promise is ready ~200 ms
 * later). The 10 MB of bytes are let go of at once (`transfer(0)` frees them without waiting for
 * a collection, which an idle launcher or sandbox might never run): only the compiled code stays.
 */
export async function compilePyodideWasm(pyodideDir) {
  const bytes = Deno.readFileSync(`${pyodideDir}/pyodide.asm.wasm`);
  try {
    return await WebAssembly.compile(bytes);
  } finally {
    bytes.buffer.transfer?.(0);
  }
}

/** The directory whose `pyodide.asm.wasm` is an empty module (see compiledModuleOptions). */
const WASM_COMPILED_ELSEWHERE = new URL("./wasm-compiled-elsewhere/", import.meta.url).pathname;

/**
 * Pyodide reads `<indexURL>/pyodide.asm.wasm` (10 MB) as it starts, and keeps the bytes for as
 * long as the interpreter lives, even when its instantiation is handed a compiled module: 10 MB
 * per sandbox, a sixth of an isolate's memory in the shared process. Its `indexURL` is pointed at a
 * directory whose `pyodide.asm.wasm` is an empty module of 8 bytes instead, and the two other
 * files it would find there (the standard library and the lock file) are named where they are.
 * Pyodide's instantiation (recognized by its own `Jsv_GetError_import`) then gets the compiled
 * module; any other instantiation is left alone, and the originals are put back at once.
 */
function compiledModuleOptions(pyodideDir, wasmModule) {
  const { instantiate, instantiateStreaming } = WebAssembly;
  const isPyodide = (imports) => imports?.env?.Jsv_GetError_import !== undefined;
  const restore = () => {
    WebAssembly.instantiate = instantiate;
    WebAssembly.instantiateStreaming = instantiateStreaming;
  };
  WebAssembly.instantiateStreaming = async (source, imports) => {
    if (!isPyodide(imports)) return await instantiateStreaming(source, imports);
    restore();
    const compiled = await wasmModule;
    return { module: compiled, instance: await instantiate(compiled, imports) };
  };
  WebAssembly.instantiate = async (source, imports) => {
    if (!isPyodide(imports) || source instanceof WebAssembly.Module)
      return await instantiate(source, imports);
    restore();
    const compiled = await wasmModule;
    return { module: compiled, instance: await instantiate(compiled, imports) };
  };
  return {
    indexURL: WASM_COMPILED_ELSEWHERE,
    stdLibURL: `${pyodideDir}/python_stdlib.zip`,
    lockFileURL: `${pyodideDir}/pyodide-lock.json`,
  };
}

/**
 * Pyodide sizes the new WebAssembly memory from the length of `_loadSnapshot` and then copies
 * the whole buffer into it. We hand it a buffer of the right length that is never written (the
 * allocator maps it lazily, so it costs no page), and replace the copy: Pyodide's own restore
 * runs on the header alone (checking the magic number and build id, and returning the state it
 * describes), then the stored pages are read from the file straight into the memory.
 */
function sparseSnapshotOptions(createPyodideModule, snapshot) {
  return {
    _loadSnapshot: new Uint8Array(snapshot.memoryLength),
    createPyodideModule: async (settings) => {
      const module = await createPyodideModule(settings);
      const restoreSnapshot = module.API.restoreSnapshot;
      module.API.restoreSnapshot = () => {
        const state = restoreSnapshot(snapshot.pyodideHeader);
        snapshot.restoreInto(module.HEAPU8);
        return state;
      };
      return module;
    },
  };
}

/**
 * Puts smol's runtime in the in-memory file system and imports it, with the modules every
 * executor authorizes (the host passes core's list), so that the first run does not pay for them.
 */
export function installRuntime(pyodide, runtimeSource, preloadedModules) {
  for (const name of preloadedModules) {
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name))
      throw new Error(`not a module name: ${JSON.stringify(name)}`);
  }
  pyodide.FS.mkdirTree("/smol");
  pyodide.FS.writeFile("/smol/smol_runtime.py", runtimeSource);
  pyodide.runPython(
    [
      "import sys",
      "sys.path.insert(0, '/smol')",
      "import smol_runtime",
      ...preloadedModules.map((name) => `import ${name}`),
      `del ${["sys", "smol_runtime", ...preloadedModules.map((name) => name.split(".")[0])].join(", ")}`,
    ].join("\n"),
  );
}
