import type { PythonExecutorOptions } from "@smol/core";
import { RuntimeExecutor } from "@smol/core/executor-kit";
import { DenoSandboxFactory, type SandboxIsolation } from "./deno-sandbox-factory.js";

/** Options of `LocalPythonExecutor`. */
export interface LocalPythonExecutorOptions extends PythonExecutorOptions {
  /**
   * `"process"` (the default): the sandbox is a Deno process of its own. `"isolate"`: it is a
   * worker thread (a V8 isolate with its own Pyodide and memory) in one Deno process shared by
   * every executor of this host process with the same sandbox settings; a session starts in
   * tens of milliseconds (an isolate is kept booted for it). Code that escapes into JavaScript
   * stays in its isolate in both modes; only the process boundary stops a bug in V8 or Deno
   * from reaching the other sessions. See "Isolation modes" in docs/executors.md.
   */
  isolation?: SandboxIsolation;
  /**
   * Memory of the sandbox in MB; default 1024. Python's heap cannot grow past it (the code gets
   * a `MemoryError`), and the process is killed if its resident memory passes it by more than
   * what Deno itself needs (`RESIDENT_MEMORY_ALLOWANCE_MB`).
   */
  memoryLimitMb?: number;
  /**
   * Start from a memory snapshot of the booted interpreter (~0.3 s instead of ~2.3 s); default
   * true. The published package ships one, copied into `cacheDir` on first use once checked
   * (it must be the snapshot of this very runtime, with the bytes its manifest lists); without
   * it (a workspace build, or another version of `@smol/core`), it is built there on first use.
   */
  snapshot?: boolean;
  /**
   * Where the shipped snapshot is looked for; default the package's own (`assets/snapshot`,
   * made by `build-snapshot --ship` when the package is packed). `false`: never use one, so
   * that the first start builds the snapshot (the behaviour before snapshots were shipped).
   */
  shippedSnapshotDir?: string | false;
  /** Where snapshots, downloaded wheels and Deno's cache live; default `~/.cache/smol/executor-local`. */
  cacheDir?: string;
  /**
   * Where Pyodide wheels are downloaded to, and where your own wheels are found; default
   * `<cacheDir>/packages/pyodide-<version>`.
   */
  packageCacheDir?: string;
  /** Where the host downloads Pyodide wheels from; default the Pyodide CDN for this version. */
  packageBaseUrl?: string;
  /** The Deno binary (a path, or a name looked up on PATH); default the one of the `deno` npm package. */
  denoPath?: string;
  /** A Pyodide distribution directory (it must contain no symlink); default the `pyodide` npm package. */
  pyodideDir?: string;
}

/**
 * Runs the model's Python code in a sandbox: CPython compiled to WebAssembly (Pyodide) inside
 * a Deno process that may read its own files and nothing else. No file system, network,
 * environment variables, subprocesses or native libraries: the process boundary holds even if
 * the code escapes the interpreter, and the host's secrets never enter it. Tools stay
 * TypeScript functions on the host, called from Python as plain functions.
 *
 * Each run is limited to `timeoutSeconds` (the sandbox is killed and restarted) and to
 * `memoryLimitMb`. Packages named in `additionalAuthorizedImports` (numpy, pandas, …) are
 * fetched by the host and installed from a local cache.
 *
 * @example
 * await using executor = new LocalPythonExecutor({ additionalAuthorizedImports: ["numpy"] });
 * void executor.start(); // pre-warm while the model thinks
 * const { output } = await executor.run("import numpy as np\nint(np.arange(10).sum())"); // 45
 */
export class LocalPythonExecutor extends RuntimeExecutor {
  readonly executorType = "local";
  readonly memoryLimitMb: number;
  readonly #factory: DenoSandboxFactory;

  constructor(options: LocalPythonExecutorOptions = {}) {
    const factory = new DenoSandboxFactory({
      additionalAuthorizedImports: options.additionalAuthorizedImports ?? [],
      isolation: options.isolation ?? "process",
      memoryLimitMb: options.memoryLimitMb ?? 1024,
      snapshot: options.snapshot ?? true,
      cacheDir: options.cacheDir,
      shippedSnapshotDir: options.shippedSnapshotDir,
      packageCacheDir: options.packageCacheDir,
      packageBaseUrl: options.packageBaseUrl,
      denoPath: options.denoPath,
      pyodideDir: options.pyodideDir,
    });
    super({ ...options, name: "LocalPythonExecutor", createTransport: (signal) => factory.create(signal) });
    this.#factory = factory;
    this.memoryLimitMb = options.memoryLimitMb ?? 1024;
  }

  /** The Deno binary that runs the sandbox. */
  get denoPath(): string {
    return this.#factory.denoPath;
  }

  /** The version of Pyodide (and of the Pyodide wheels it installs). */
  get pyodideVersion(): string {
    return this.#factory.pyodideVersion;
  }

  /** Where this executor keeps snapshots and Deno's cache. */
  get cacheDir(): string {
    return this.#factory.cacheDirectory;
  }

  /** Where this executor looks for, and downloads, Pyodide wheels. */
  get packageCacheDir(): string {
    return this.#factory.packageCacheDirectory;
  }
}
