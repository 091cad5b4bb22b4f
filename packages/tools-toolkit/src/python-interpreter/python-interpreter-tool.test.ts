import type { CodeOutput, PythonExecutor } from "@smol/core";
import { authorizedImports } from "@smol/core/executor-kit";
import { describe, expect, it } from "vitest";
import { formatRun, PythonInterpreterTool } from "./python-interpreter-tool.js";

// The real sandbox, when @smol/executor-local is built far enough to run code here.
const localExecutorReady = await import("@smol/executor-local")
  .then((module: Record<string, unknown>) => typeof module.LocalPythonExecutor === "function")
  .catch(() => false);
if (!localExecutorReady) {
  console.warn(
    "SKIPPED: PythonInterpreterTool against LocalPythonExecutor — @smol/executor-local does not export it yet.",
  );
}

describe.skipIf(!localExecutorReady)("PythonInterpreterTool in the LocalPythonExecutor sandbox", () => {
  it("returns what the code printed and its last value", async () => {
    const python = new PythonInterpreterTool();
    expect(await python.call({ code: "print('hello')\nx = 6\nx * 7" })).toBe("Stdout:\nhello\n\nOutput: 42");
  }, 120_000);

  it("starts every call from a fresh interpreter", async () => {
    const python = new PythonInterpreterTool();
    await python.call({ code: "remembered = 1" });
    expect(await python.call({ code: "remembered" })).toMatch(/^Stdout:\n\nError.*: NameError: .*remembered/);
  }, 120_000);

  it("enforces its own authorized imports", async () => {
    const strict = new PythonInterpreterTool();
    expect(await strict.call({ code: "import os\nos.getcwd()" })).toMatch(/Error.*: ImportError/);
    const withStatistics = new PythonInterpreterTool({ authorizedImports: ["statistics"] });
    expect(await withStatistics.call({ code: "import statistics\nstatistics.mean([1, 2, 3])" })).toBe(
      "Stdout:\n\nOutput: 2",
    );
  }, 120_000);
});

describe("PythonInterpreterTool", () => {
  it("lists the imports it allows in its description", () => {
    const python = new PythonInterpreterTool({ authorizedImports: ["numpy"] });
    expect(python.name).toBe("python_interpreter");
    expect(python.authorizedImports).toEqual(authorizedImports(["numpy"]));
    expect(python.description).toContain(
      `Modules you can import: ${authorizedImports(["numpy"]).join(", ")}.`,
    );
    expect(python.inputSchema.code!.description).toContain("numpy");
    expect(() => python.validate()).not.toThrow();
  });

  it("runs each call in a new executor from createExecutor, and cleans it up", async () => {
    const events: string[] = [];
    const executor = (id: number): PythonExecutor => ({
      sendTools: async () => {},
      sendVariables: async () => {},
      run: async (code) => {
        events.push(`run ${id}: ${code}`);
        return { output: id, logs: "", isFinalAnswer: false };
      },
      cleanup: async () => {
        events.push(`cleanup ${id}`);
      },
      [Symbol.asyncDispose]: async () => {},
    });
    let created = 0;
    const python = new PythonInterpreterTool({ createExecutor: () => executor(++created) });
    expect(await python.call({ code: "1" })).toBe("Stdout:\n\nOutput: 1");
    expect(await python.call({ code: "2" })).toBe("Stdout:\n\nOutput: 2");
    expect(events).toEqual(["run 1: 1", "cleanup 1", "run 2: 2", "cleanup 2"]);
  });

  it("names the valid executor types when given an unknown one", async () => {
    const python = new PythonInterpreterTool({ executorType: "nowhere" as never });
    await expect(python.call({ code: "1" })).rejects.toThrow(
      /Unknown executorType "nowhere".*local, python, docker/,
    );
  });
});

describe("formatRun", () => {
  it("shows stdout then the output, or the error with its line", () => {
    const done: CodeOutput = { output: [1, "a"], logs: "printed\n", isFinalAnswer: false };
    expect(formatRun(done)).toBe('Stdout:\nprinted\n\nOutput: [1,"a"]');
    expect(formatRun({ output: null, logs: "", isFinalAnswer: false })).toBe("Stdout:\n\nOutput: None");
    const failed: CodeOutput = {
      output: null,
      logs: "before\n",
      isFinalAnswer: false,
      error: { type: "ZeroDivisionError", message: "division by zero", line: 2 },
    };
    expect(formatRun(failed)).toBe("Stdout:\nbefore\n\nError (line 2): ZeroDivisionError: division by zero");
  });
});
