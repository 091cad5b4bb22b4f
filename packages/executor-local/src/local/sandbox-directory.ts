import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DENO_DIR_BLOCKER } from "./deno-command.js";

/** The private, empty directory one Deno process runs in; removed when the process ends. */
export interface SandboxDirectory {
  readonly path: string;
  /** Removes the directory and whatever a native library may have left in it. Safe to call twice. */
  remove(): void;
}

const liveDirectories = new Set<string>();
let exitHookInstalled = false;

/**
 * Makes the working directory (and HOME) of one sandbox process: a fresh directory under the
 * system's temporary directory, so that the sandbox starts neither in the host's working
 * directory nor in a project path, and shares nothing with any other sandbox. It holds only the
 * plain file that DENO_DIR points under (`denoEnvironment`). The sandbox cannot write anywhere
 * (`--deny-write`); the directory only receives what native code might write, and goes away with
 * the process, or with the host at the latest.
 */
export function createSandboxDirectory(): SandboxDirectory {
  const path = mkdtempSync(join(tmpdir(), "smol-sandbox-"));
  writeFileSync(join(path, DENO_DIR_BLOCKER), "", { mode: 0o444 });
  liveDirectories.add(path);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => {
      for (const live of liveDirectories) rmSync(live, { recursive: true, force: true });
    });
  }
  return {
    path,
    remove(): void {
      liveDirectories.delete(path);
      rmSync(path, { recursive: true, force: true });
    },
  };
}
