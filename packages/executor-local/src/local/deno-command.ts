/** Everything needed to start one Deno process of the sandbox (or of the trusted snapshot build). */
export interface DenoLaunch {
  denoPath: string;
  /** Real path of the script to run (assets/runner.js or assets/build-snapshot.js). */
  script: string;
  /** JSON-serializable settings, passed as the script's first argument. */
  config: unknown;
  /** Real paths the process may read, and nothing else. Directories must hold no symlink. */
  readPaths: readonly string[];
  /** Deno's own cache (V8 code cache); see `prepareDenoDirectory`. */
  denoDirectory: string;
  /** Caps the WebAssembly memory (Python's heap) and the JavaScript heap. */
  memoryLimitMb: number;
  workingDirectory: string;
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
 * - `--wasm-max-mem-pages`: Python's heap cannot grow past the limit (it raises MemoryError);
 *   `--max-old-space-size` bounds the JavaScript heap the same way.
 */
export function denoArguments(launch: DenoLaunch): string[] {
  const wasmPages = Math.max(1, Math.floor(launch.memoryLimitMb * WASM_PAGES_PER_MB));
  return [
    "run",
    "--quiet",
    "--no-prompt",
    "--no-config",
    "--no-lock",
    "--no-remote",
    "--no-npm",
    `--allow-read=${launch.readPaths.join(",")}`,
    "--deny-write",
    "--deny-net",
    "--deny-env",
    "--deny-sys",
    "--deny-run",
    "--deny-ffi",
    "--deny-import",
    `--v8-flags=--wasm-max-mem-pages=${wasmPages},--max-old-space-size=${Math.max(64, launch.memoryLimitMb)}`,
    launch.script,
    JSON.stringify(launch.config),
  ];
}

/** An empty environment: nothing of the host's (API keys, tokens, paths) reaches the sandbox. */
export function denoEnvironment(launch: DenoLaunch): Record<string, string> {
  return { DENO_DIR: launch.denoDirectory, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
}
