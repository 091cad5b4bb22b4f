import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalPythonExecutor } from "@smol/executor-local";
import { describeExecutorConformance } from "@smol/testing/vitest";

// The executor contract again, with every executor a session of the shared sandbox process
// (`isolation: "isolate"`): the same behaviour, from an isolate instead of a process.
describeExecutorConformance(
  "LocalPythonExecutor (isolation: isolate)",
  (options) =>
    new LocalPythonExecutor({
      ...options,
      isolation: "isolate",
      cacheDir: join(tmpdir(), "smol-executor-local-test-cache"),
    }),
  { testTimeoutMs: 120_000 },
);
