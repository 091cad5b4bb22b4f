import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DenoLaunch } from "./deno-command.js";

/** The private, empty directory one Deno process runs in; removed when the process ends. */
export interface SandboxDirectory {
  readonly path: string;
  /** The process's DENO_DIR. */
  readonly denoDirectory: string;
  /** Removes the directory and whatever Deno or a native library left in it. Safe to call twice. */
  remove(): void;
}

/**
 * A read-only plain file: a DENO_DIR under it can never be created (ENOTDIR, even as root).
 */
const DENO_DIR_BLOCKER = "no-deno-dir";

const liveDirectories = new Set<string>();
let exitHookInstalled = false;

/**
 * Makes the working directory (and HOME) of one Deno process: a fresh directory under the
 * system's temporary directory, so that the sandbox starts neither in the host's working
 * directory nor in a project path, and shares nothing with any other sandbox. The guest cannot
 * write (`--deny-write`); what Deno keeps for itself (its DENO_DIR: a copy of a trusted
 * template, or nothing at all) and what a native library might write stay in it, and go away
 * with the process, or with the host at the latest.
 */
export function createSandboxDirectory(denoDirectory: DenoLaunch["denoDirectory"]): SandboxDirectory {
  const path = mkdtempSync(join(tmpdir(), "smol-sandbox-"));
  liveDirectories.add(path);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => {
      for (const live of liveDirectories) rmSync(live, { recursive: true, force: true });
    });
  }
  const remove = (): void => {
    liveDirectories.delete(path);
    rmSync(path, { recursive: true, force: true });
  };
  try {
    return { path, denoDirectory: prepareDenoDirectory(path, denoDirectory), remove };
  } catch (error) {
    remove();
    throw error;
  }
}

function prepareDenoDirectory(path: string, denoDirectory: DenoLaunch["denoDirectory"]): string {
  if (denoDirectory && "writeTo" in denoDirectory) return denoDirectory.writeTo;
  if (denoDirectory && "copyFrom" in denoDirectory) {
    const copy = join(path, "deno");
    try {
      cpSync(denoDirectory.copyFrom, copy, { recursive: true });
      return copy;
    } catch {
      // The template went away (pruned with its snapshot): start without one, only slower.
      rmSync(copy, { recursive: true, force: true });
    }
  }
  writeFileSync(join(path, DENO_DIR_BLOCKER), "", { mode: 0o444 });
  return join(path, DENO_DIR_BLOCKER, "deno");
}
