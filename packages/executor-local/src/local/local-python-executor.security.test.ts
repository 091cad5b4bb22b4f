import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { LocalPythonExecutor } from "@smol/executor-local";
import { describeSandboxSecurity } from "@smol/testing/security";

describeSandboxSecurity(
  "LocalPythonExecutor",
  (options) =>
    new LocalPythonExecutor({ ...options, cacheDir: join(tmpdir(), "smol-executor-local-test-cache") }),
  // Attacks that could crash the host run in a child process, with the same executor.
  { isolatedExecutorModule: fileURLToPath(new URL("./security-suite-executor.ts", import.meta.url)) },
);
