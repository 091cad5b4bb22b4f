/**
 * A stand-in executor for the tests of isolated attacks: every attack "fails" with a sandbox
 * error, and the suite's health check works. With FAKE_EXECUTOR_LEAK set, an attack makes the
 * process run out of heap instead, as a host bug would.
 */
import type { CodeOutput, PythonExecutor } from "@smol/core";

export function createExecutor(): PythonExecutor {
  return {
    async sendTools() {},
    async sendVariables() {},
    async cleanup() {},
    async [Symbol.asyncDispose]() {},
    async run(code: string): Promise<CodeOutput> {
      if (code === "smol_health_check * 7") return { output: 42, logs: "", isFinalAnswer: false };
      if (process.env.FAKE_EXECUTOR_LEAK) {
        const hoard: number[][] = [];
        for (;;) hoard.push(new Array(1_000_000).fill(1));
      }
      return {
        output: null,
        logs: "",
        isFinalAnswer: false,
        error: { type: "SandboxError", message: "the runtime was stopped" },
      };
    },
  };
}
