/**
 * The executor the security suite attacks in the shared mode (`isolation: "isolate"`), in a
 * module of its own so that the suite can also build it in a child process.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SandboxSecurityExecutorOptions } from "@smol/testing/security";
import { LocalPythonExecutor } from "./local-python-executor.js";

export function createExecutor(options: SandboxSecurityExecutorOptions): LocalPythonExecutor {
  return new LocalPythonExecutor({
    ...options,
    isolation: "isolate",
    cacheDir: join(tmpdir(), "smol-executor-local-test-cache"),
  });
}
