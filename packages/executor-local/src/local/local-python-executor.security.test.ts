import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalPythonExecutor } from "@smol/executor-local";
import { describeSandboxSecurity } from "@smol/testing/security";

describeSandboxSecurity(
  "LocalPythonExecutor",
  (options) =>
    new LocalPythonExecutor({ ...options, cacheDir: join(tmpdir(), "smol-executor-local-test-cache") }),
);
