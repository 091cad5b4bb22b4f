import { afterEach } from "vitest";
import { spawnRuntimeProcess } from "../child-process-transport.js";
import type { PythonExecutorOptions } from "../python-executor.js";
import { RuntimeExecutor } from "../runtime-executor.js";
import { runtimeSourcePath } from "../runtime-source.js";

/** Only what python3 needs to start: the host environment stays out of the runtime. */
export const environment = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
const opened: RuntimeExecutor[] = [];

// Every executor a test file made is stopped after each of its tests.
afterEach(async () => {
  await Promise.all(opened.splice(0).map((executor) => executor.cleanup()));
});

/** The real runtime in a real python3 (no sandbox: for tests of the host side); `python` picks another interpreter. */
export function python3Executor(options: PythonExecutorOptions & { python?: string } = {}): RuntimeExecutor {
  const executor = new RuntimeExecutor({
    ...options,
    name: "TestExecutor",
    createTransport: (signal) =>
      spawnRuntimeProcess({
        command: options.python ?? "python3",
        args: ["-u", runtimeSourcePath()],
        env: environment,
        signal,
      }),
  });
  opened.push(executor);
  return executor;
}
