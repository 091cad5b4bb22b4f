// Loads Pyodide and smol's Python runtime inside a Deno process. Shared by the sandbox runner
// (runner.js) and the trusted snapshot builder (build-snapshot.js), so that a snapshot holds
// exactly the interpreter state a plain start would reach.
//
// Plain JavaScript on purpose: Deno runs it as is, with no transpiling and no config file.

/**
 * Removes the web APIs that Deno persists on disk (in its DENO_DIR), so that code in one sandbox
 * cannot leave data for a later one. The host also makes that storage impossible to create;
 * this is the second layer.
 */
export function removePersistentStorage() {
  for (const name of ["localStorage", "sessionStorage", "caches", "Worker"]) {
    delete globalThis[name];
  }
}

/** Writes text to the process's stderr, which the host keeps only for diagnostics. */
export function writeToStderr(text) {
  writeAll(Deno.stderr, new TextEncoder().encode(`${text}\n`));
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
 * (snapshot-format.js). The interpreter's own stdout and stderr (C-level writes,
 * `os.write(1, …)`) go to stderr: the protocol owns stdout.
 */
export async function loadInterpreter({ pyodideDir, snapshot, makeSnapshot = false }) {
  const { loadPyodide } = await import(new URL(`file://${pyodideDir}/pyodide.mjs`).href);
  return await loadPyodide({
    indexURL: `${pyodideDir}/`,
    env: { HOME: "/home/pyodide" },
    stdout: writeToStderr,
    stderr: writeToStderr,
    ...(makeSnapshot ? { _makeSnapshot: true } : {}),
    ...(snapshot ? await sparseSnapshotOptions(pyodideDir, snapshot) : {}),
  });
}

/**
 * Pyodide sizes the new WebAssembly memory from the length of `_loadSnapshot` and then copies
 * the whole buffer into it. We hand it a buffer of the right length that is never written (the
 * allocator maps it lazily, so it costs no page), and replace the copy: Pyodide's own restore
 * runs on the header alone (checking the magic number and build id, and returning the state it
 * describes), then the stored pages are read from the file straight into the memory.
 */
async function sparseSnapshotOptions(pyodideDir, snapshot) {
  const { default: createPyodideModule } = await import(new URL(`file://${pyodideDir}/pyodide.asm.mjs`).href);
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
