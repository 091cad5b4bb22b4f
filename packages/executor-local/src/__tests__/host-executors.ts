import type { PythonExecutor } from "@smol/core";
import { afterAll } from "vitest";
import { HostPythonExecutor } from "../host/index.js";

/**
 * A maker of host-runtime executors for one test file (call it at the file's top level): every
 * executor it makes is cleaned up after the file's tests, so no Python process outlives them.
 */
export function hostExecutors(): () => PythonExecutor {
  const made: PythonExecutor[] = [];
  afterAll(async () => {
    await Promise.all(made.map((executor) => executor.cleanup()));
  });
  return () => {
    const executor = new HostPythonExecutor({ suppressSandboxWarning: true });
    made.push(executor);
    return executor;
  };
}
