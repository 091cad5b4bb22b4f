import { HostPythonExecutor } from "@smol/executor-local";
import { describeExecutorConformance } from "@smol/testing/vitest";

describeExecutorConformance(
  "HostPythonExecutor",
  (options) => new HostPythonExecutor({ ...options, suppressSandboxWarning: true }),
);
