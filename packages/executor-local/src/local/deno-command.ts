/** Everything needed to start one Deno process of the sandbox (or of the trusted snapshot build). */
export interface DenoLaunch {
  denoPath: string;
  /** Real path of the script to run (assets/runner.js or assets/build-snapshot.js). */
  script: string;
  /**
   * JSON-serializable settings, written as the first line of the process's stdin (never on the
   * command line, where `Deno.args` and `process.argv` would show the host's paths).
   */
  config: unknown;
  /** Real paths the process may read, and nothing else. Directories must hold no symlink. */
  readPaths: readonly string[];
  /** Caps the WebAssembly memory (Python's heap) and the JavaScript heap. */
  memoryLimitMb: number;
  /**
   * Real paths the process may write, and nothing else (default none): the FIFO of a shared
   * sandbox process's channel, which its trusted launcher opens before any guest code runs,
   * and then revokes the permission.
   */
  writePaths?: readonly string[];
  /**
   * Deno's own cache (DENO_DIR), which spares each start the analysis of Pyodide's modules
   * (~150 ms):
   * - `copyFrom`: a sandbox gets a private copy of this directory, in its private directory and
   *   thrown away with it (the directory was filled by a trusted process: the snapshot build);
   * - `writeTo`: a trusted process, which runs no guest code, fills this directory;
   * - absent: no DENO_DIR can be created at all (see sandbox-directory.ts).
   */
  denoDirectory?: { copyFrom: string } | { writeTo: string };
  /**
   * Puts V8's collector (`gc`) on each isolate's global: the shared process's isolates use it to
   * give back their memory when idle (see isolate-worker.js), and take it off before any guest
   * code runs. Default false.
   */
  exposeGc?: boolean;
}

function v8Flags(launch: DenoLaunch): string[] {
  const wasmPages = Math.max(1, Math.floor(launch.memoryLimitMb * WASM_PAGES_PER_MB));
  return [
    `--wasm-max-mem-pages=${wasmPages}`,
    `--max-old-space-size=${Math.max(64, launch.memoryLimitMb)}`,
    ...(launch.exposeGc ? ["--expose-gc"] : []),
  ];
}

/** WebAssembly memory grows in pages of 64 KiB. */
const WASM_PAGES_PER_MB = 16;

/**
 * The command line of a sandbox process. Each flag closes a door:
 * - `--no-prompt`: a permission that was not granted throws instead of asking a terminal.
 * - `--allow-read=<real paths>`: the only permission; Deno checks it lexically, hence real paths.
 * - `--deny-*`: says the rest out loud, so that no future default of Deno opens it.
 * - `--no-remote --no-npm`: without them, `import("https://…")` and `import("npm:…")` would reach
 *   the network even with no net permission (module loading is not a net operation).
 * - `--no-config --no-lock`: no deno.json or lockfile found around the working directory applies.
 * - `--no-code-cache`: Deno would store the V8 code of every module it compiles in DENO_DIR,
 *   modules the guest writes itself (`import("data:text/javascript,…")`) included. Each sandbox's
 *   DENO_DIR is private and thrown away anyway; this keeps it to the small module analysis cache.
 * - `--wasm-max-mem-pages`: Python's heap cannot grow past the limit (it raises MemoryError);
 *   `--max-old-space-size` bounds the JavaScript heap the same way.
 * - `--expose-gc`, with `exposeGc` only: see DenoLaunch.exposeGc.
 * The script comes last, with no argument after it: the settings arrive on stdin.
 */
export function denoArguments(launch: DenoLaunch): string[] {
  return [
    "run",
    "--quiet",
    "--no-prompt",
    "--no-config",
    "--no-lock",
    "--no-remote",
    "--no-npm",
    "--no-code-cache",
    `--allow-read=${launch.readPaths.join(",")}`,
    launch.writePaths?.length ? `--allow-write=${launch.writePaths.join(",")}` : "--deny-write",
    "--deny-net",
    "--deny-env",
    "--deny-sys",
    "--deny-run",
    "--deny-ffi",
    "--deny-import",
    `--v8-flags=${v8Flags(launch).join(",")}`,
    launch.script,
  ];
}

/** See denoEnvironment. */
const MALLOC_MMAP_THRESHOLD_BYTES = 16 * 1024;

/**
 * The whole environment of the process, for Deno itself (the guest cannot read it: `--deny-env`).
 * Nothing of the host's (API keys, tokens, paths) is in it, and:
 * - `DENO_DIR` is private to the process (see `DenoLaunch.denoDirectory`), so no sandbox leaves
 *   code, `localStorage` or Cache API data for another, or on the host once it has ended.
 * - `DENO_WEBGPU_BACKEND=none`: WebGPU finds no adapter and loads no GPU driver (Vulkan, EGL,
 *   Mesa's llvmpipe), in every thread of the process, whatever JavaScript reaches `navigator.gpu`.
 * - `HOME` and `XDG_CACHE_HOME` are the private directory, so that no library falls back to the
 *   real home (found through the password database when HOME is unset), and Mesa's shader cache
 *   is switched off besides.
 * - `MALLOC_MMAP_THRESHOLD_`: glibc's malloc gives blocks of 16 KiB and more their own mapping,
 *   returned to the system when freed. Its default threshold rises to the size of the largest
 *   block freed so far (up to 32 MiB), so that a sandbox's start-up buffers (file reads, V8's
 *   compilation zones) stay resident in its heap once freed: bench/executor/isolation.ts
 *   measured that fixing it saves several MB per session in the shared process. 16 KiB rather
 *   than 64 KiB: 2–3 MB less per idle session again (10 sessions: 49 MB each against 51–52),
 *   for ~4 more mappings per isolate (~100 each; the kernel allows 65,530 per process).
 */
export function denoEnvironment(privateDirectory: string, denoDirectory: string): Record<string, string> {
  return {
    DENO_DIR: denoDirectory,
    DENO_NO_UPDATE_CHECK: "1",
    DENO_WEBGPU_BACKEND: "none",
    HOME: privateDirectory,
    XDG_CACHE_HOME: privateDirectory,
    MESA_SHADER_CACHE_DISABLE: "true",
    NO_COLOR: "1",
    MALLOC_MMAP_THRESHOLD_: String(MALLOC_MMAP_THRESHOLD_BYTES),
  };
}
