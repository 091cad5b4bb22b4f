import { rmSync } from "node:fs";
import { join } from "node:path";
import { ExecutorError } from "@smol/core";
import { BASE_BUILTIN_MODULES, runtimeSourcePath } from "@smol/core/executor-kit";
import type { DenoLaunch } from "./deno-command.js";
import { type SandboxTransport, spawnDenoSandbox } from "./deno-process.js";
import { type PackagePlan, planPackages } from "./pyodide-packages.js";
import {
  assetsDirectory,
  defaultCacheDirectory,
  denoBinaryPath,
  pyodidePackageDirectory,
  pyodideVersion,
  realDirectoryWithoutSymlinks,
  realRegularFile,
  resolveDenoPath,
} from "./sandbox-files.js";
import { openSharedSession } from "./shared-sandbox-pool.js";
import {
  buildSnapshot,
  fillDenoCache,
  findSnapshot,
  installShippedSnapshot,
  type SnapshotInputs,
  shippedSnapshotDirectory,
  snapshotDenoDirectory,
  snapshotFileName,
} from "./snapshot.js";

/** Options that shape the sandbox process (see LocalPythonExecutorOptions for each). */
export interface DenoSandboxOptions {
  additionalAuthorizedImports: readonly string[];
  /** Default "process". */
  isolation?: SandboxIsolation;
  memoryLimitMb: number;
  snapshot: boolean;
  cacheDir?: string;
  shippedSnapshotDir?: string | false;
  packageCacheDir?: string;
  packageBaseUrl?: string;
  denoPath?: string;
  pyodideDir?: string;
}

/**
 * `"process"`: a Deno process of its own for each executor. `"isolate"`: a Worker (V8 isolate)
 * of its own in a Deno process shared with the other executors of the same settings.
 */
export type SandboxIsolation = "process" | "isolate";

/**
 * What a session's isolate needs beyond Python's heap in a shared process (its V8 heap,
 * Pyodide's JavaScript state, the installed packages' files in JavaScript memory).
 */
export const ISOLATE_RESIDENT_ALLOWANCE_MB = 128;

/**
 * What Deno, V8 and the installed packages (Emscripten keeps files in JavaScript memory) use
 * beyond Python's heap: the resident-memory watchdog allows this much on top of the limit.
 */
export const RESIDENT_MEMORY_ALLOWANCE_MB = 384;

/**
 * Starts sandbox processes for one executor: resolves and checks the files the sandbox may
 * read (once), finds or builds the snapshot, fetches the packages, then spawns Deno.
 */
export class DenoSandboxFactory {
  readonly denoPath: string;
  readonly pyodideDirectory: string;
  readonly pyodideVersion: string;
  readonly assetsDirectory: string;
  readonly runtimePath: string;
  readonly cacheDirectory: string;
  readonly packageCacheDirectory: string;
  #snapshotUnavailable = false;

  constructor(private readonly options: DenoSandboxOptions) {
    if (!(options.memoryLimitMb >= 64)) throw new ExecutorError("memoryLimitMb must be at least 64");
    this.denoPath = options.denoPath ? resolveDenoPath(options.denoPath) : denoBinaryPath();
    this.pyodideDirectory = realDirectoryWithoutSymlinks(
      options.pyodideDir ?? pyodidePackageDirectory(),
      "Pyodide",
    );
    this.pyodideVersion = pyodideVersion(this.pyodideDirectory);
    this.assetsDirectory = realDirectoryWithoutSymlinks(assetsDirectory(), "sandbox assets");
    this.runtimePath = realRegularFile(runtimeSourcePath(), "Python runtime");
    this.cacheDirectory = options.cacheDir ?? defaultCacheDirectory();
    this.packageCacheDirectory =
      options.packageCacheDir ?? join(this.cacheDirectory, "packages", `pyodide-${this.pyodideVersion}`);
  }

  get snapshotInputs(): SnapshotInputs {
    return {
      denoPath: this.denoPath,
      pyodideDirectory: this.pyodideDirectory,
      pyodideVersion: this.pyodideVersion,
      assetsDirectory: this.assetsDirectory,
      runtimePath: this.runtimePath,
      preloadedModules: BASE_BUILTIN_MODULES,
    };
  }

  /** Where snapshots are kept (and built on first use). */
  get snapshotDirectory(): string {
    return join(this.cacheDirectory, "snapshots");
  }

  async create(signal?: AbortSignal): Promise<SandboxTransport> {
    removeSharedDenoDirectory(this.cacheDirectory);
    // Packages are installed on first import and downloaded in the background: nothing waits for them.
    const packages = this.#packages();
    const snapshotPath = await this.#snapshot();
    const denoTemplate = snapshotPath ? snapshotDenoDirectory(snapshotPath) : undefined;
    const launch: DenoLaunch = {
      denoPath: this.denoPath,
      script: join(this.assetsDirectory, "runner.js"),
      config: {
        pyodideDir: this.pyodideDirectory,
        runtimePath: this.runtimePath,
        preloadedModules: BASE_BUILTIN_MODULES,
        snapshotPath,
        packages: packages.packages,
      },
      readPaths: [
        this.pyodideDirectory,
        this.assetsDirectory,
        this.runtimePath,
        ...(snapshotPath ? [snapshotPath] : []),
        ...packages.readPaths,
      ],
      memoryLimitMb: this.options.memoryLimitMb,
      ...(denoTemplate ? { denoDirectory: { copyFrom: denoTemplate } } : {}),
    };
    if (this.options.isolation === "isolate") {
      const shared: DenoLaunch = {
        ...launch,
        script: join(this.assetsDirectory, "isolate-host.js"),
        exposeGc: true,
      };
      const { denoDirectory: _template, ...settings } = shared;
      const transport = await openSharedSession(JSON.stringify(settings), shared, {
        baseResidentBytes: RESIDENT_MEMORY_ALLOWANCE_MB * 1024 * 1024,
        residentBytesPerSession: (this.options.memoryLimitMb + ISOLATE_RESIDENT_ALLOWANCE_MB) * 1024 * 1024,
        jsHeapMb: Math.max(64, this.options.memoryLimitMb),
      });
      if (signal?.aborted) {
        await transport.kill();
        signal.throwIfAborted();
      }
      return transport;
    }
    return await spawnDenoSandbox(
      launch,
      { residentMemoryLimitBytes: (this.options.memoryLimitMb + RESIDENT_MEMORY_ALLOWANCE_MB) * 1024 * 1024 },
      signal,
    );
  }

  /** The snapshot to start from, built on first use; undefined means a plain start. */
  async #snapshot(): Promise<string | undefined> {
    if (!this.options.snapshot || this.#snapshotUnavailable) return undefined;
    const inputs = this.snapshotInputs;
    const name = snapshotFileName(inputs);
    const found = findSnapshot(this.snapshotDirectory, name);
    if (found) {
      // Installed from the package, its Deno cache may still be on its way (or was lost).
      if (!snapshotDenoDirectory(found)) void fillDenoCache(inputs, found);
      return realRegularFile(found, "snapshot");
    }
    const shipped = this.#installShipped(name);
    if (shipped) {
      void fillDenoCache(inputs, shipped);
      return realRegularFile(shipped, "snapshot");
    }
    try {
      return realRegularFile(await buildSnapshot(inputs, this.snapshotDirectory), "snapshot");
    } catch (error) {
      // A snapshot only makes starts faster: without one, start plainly (and stop trying).
      this.#snapshotUnavailable = true;
      process.emitWarning(
        `smol: could not build the Pyodide snapshot, starting without it: ${String(error)}`,
      );
      return undefined;
    }
  }

  /**
   * The snapshot the package ships, checked and copied into the cache (see
   * `installShippedSnapshot`); undefined when there is none for these inputs, or it is damaged.
   */
  #installShipped(name: string): string | undefined {
    const directory = this.options.shippedSnapshotDir ?? shippedSnapshotDirectory(this.assetsDirectory);
    if (directory === false) return undefined;
    let installed: ReturnType<typeof installShippedSnapshot>;
    try {
      installed = installShippedSnapshot(directory, name, this.snapshotDirectory);
    } catch {
      // The cache cannot be written: the build that follows reports why (and starts plainly).
      return undefined;
    }
    if ("path" in installed) return installed.path;
    if (installed.refused === "damaged") {
      process.emitWarning(
        `smol: the Pyodide snapshot shipped in ${directory} is damaged; building one instead`,
      );
    }
    return undefined;
  }

  /** Planned again at each start: a wheel that arrived since (or a download to retry) is taken. */
  #packages(): PackagePlan {
    return planPackages({
      additionalAuthorizedImports: this.options.additionalAuthorizedImports,
      pyodideDirectory: this.pyodideDirectory,
      pyodideVersion: this.pyodideVersion,
      packageCacheDirectory: this.packageCacheDirectory,
      packageBaseUrl: this.options.packageBaseUrl,
    });
  }
}

const cleanedCacheDirectories = new Set<string>();

/**
 * Earlier versions gave every sandbox `<cacheDir>/deno` as a shared, writable DENO_DIR, where
 * modules written by the guest landed as code cache. No sandbox uses it any more (each gets an
 * unwritable one): remove it, once per cache directory and process.
 */
function removeSharedDenoDirectory(cacheDirectory: string): void {
  if (cleanedCacheDirectories.has(cacheDirectory)) return;
  cleanedCacheDirectories.add(cacheDirectory);
  rmSync(join(cacheDirectory, "deno"), { recursive: true, force: true });
}
