import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExecutorError, MissingPackageError } from "../errors.js";
import { tool } from "../tools/function-tool.js";
import { environment, python3Executor } from "./__tests__/python3-executor.js";
import { spawnRuntimeProcess } from "./child-process-transport.js";
import { createExecutor, importOptionalPackage } from "./create-executor.js";
import { RuntimeExecutor } from "./runtime-executor.js";

/** Code that reaches the runtime's own writer and forges a protocol line (a hostile guest can). */
const forgeLine = (json: string) =>
  "import gc\n" +
  "runtime = next(o for o in gc.get_objects() if type(o).__name__ == 'Runtime' and hasattr(o, '_prefix'))\n" +
  `runtime._write_line(runtime._prefix + ${JSON.stringify(json)})\n` +
  "import time\ntime.sleep(30)";

describe("RuntimeExecutor with the real runtime", () => {
  it("restarts after the runtime dies during a run, and says state was lost", async () => {
    const executor = python3Executor({ additionalAuthorizedImports: ["os"] });
    await executor.run("remembered = 1");
    const crashed = await executor.run("import os\nos._exit(3)");
    expect(crashed.output).toBeNull();
    expect(crashed.error?.type).toBe("SandboxError");
    expect(crashed.error?.message).toContain("exited with code 3");
    expect(crashed.error?.message).toContain("earlier steps are lost");
    const after = await executor.run("'remembered' in globals()");
    expect(after).toMatchObject({ output: false, isFinalAnswer: false });
  });

  it("kills and replaces a runtime whose code forges a malformed protocol line", async () => {
    const executor = python3Executor({ additionalAuthorizedImports: ["gc"] });
    const forged = await executor.run(
      forgeLine(
        '{"type":"result","id":"r1","output":{"__smol_type__":"bytes"},"logs":"","isFinalAnswer":true}',
      ),
    );
    expect(forged.error?.type).toBe("SandboxError");
    expect(forged.error?.message).toContain("broke the protocol");
    expect((await executor.run("6 * 7")).output).toBe(42);
  });

  it("tells the model when the runtime died between runs", async () => {
    const executor = python3Executor({ additionalAuthorizedImports: ["os"] });
    const pid = (await executor.run("import os\nos.getpid()")).output as number;
    process.kill(pid, "SIGKILL");
    // Depending on whether the host noticed the death before sending the next run, the model
    // reads it in that run's error or in a note at the top of its logs: either way it is told.
    const next = await executor.run("'fresh'");
    const told = `${next.logs}${next.error?.message ?? ""}`;
    expect(told).toContain("SIGKILL");
    expect(told).toContain("earlier steps are lost");
    expect((await executor.run("1 + 1")).output).toBe(2);
  });

  it("keeps what the code wrote to the real stdout and stderr, as stray output in the logs", async () => {
    const executor = python3Executor({ additionalAuthorizedImports: ["os"] });
    const first = await executor.run(
      "import os\nos.write(1, b'through fd 1\\n')\nos.write(2, b'through fd 2\\n')\nprint('printed')",
    );
    const second = await executor.run("None");
    const logs = first.logs + second.logs;
    expect(first.logs.startsWith("printed\n")).toBe(true);
    expect(logs).toContain("through fd 1\n");
    expect(logs).toContain("through fd 2\n");
  });

  it("rejects a run aborted by its signal, and the next run works", async () => {
    const executor = python3Executor();
    const controller = new AbortController();
    const abortNow = tool(
      { name: "abort_now", description: "Aborts the run.", inputs: {}, outputType: "null" },
      () => {
        controller.abort(new Error("user pressed stop"));
        return null;
      },
    );
    await executor.sendTools([abortNow]);
    await expect(
      executor.run("abort_now()\nwhile True:\n    pass", { signal: controller.signal }),
    ).rejects.toThrow("user pressed stop");
    expect((await executor.run("abort_now")).error).toBeUndefined();
    await expect(executor.run("1", { signal: controller.signal })).rejects.toThrow("user pressed stop");
  });

  it("aborts a pending tool call when the run times out", async () => {
    const executor = python3Executor({ timeoutSeconds: 1 });
    let toolSignal: AbortSignal | undefined;
    const waitForever = tool(
      { name: "wait_forever", description: "Never answers.", inputs: {}, outputType: "null" },
      (_args, options) => {
        toolSignal = options.signal;
        return new Promise(() => {});
      },
    );
    await executor.sendTools([waitForever]);
    const output = await executor.run("wait_forever()");
    expect(output.error?.type).toBe("TimeoutError");
    expect(toolSignal?.aborted).toBe(true);
  });

  it("stops its clock while a tool call waits in pauseTimeout, and runs it on from where it stood", async () => {
    const executor = python3Executor({ timeoutSeconds: 1, additionalAuthorizedImports: ["time"] });
    const askHuman = tool(
      { name: "ask_human", description: "Waits for a person.", inputs: {}, outputType: "string" },
      async (_args, options) => {
        const waitForPerson = new Promise<string>((resolve) => setTimeout(() => resolve("yes"), 1_500));
        return options.pauseTimeout ? await options.pauseTimeout(waitForPerson) : await waitForPerson;
      },
    );
    await executor.sendTools([askHuman]);
    // 1.5 s of waiting for the person under a 1 s limit: the wait does not count.
    expect(await executor.run("ask_human()")).toMatchObject({ output: "yes" });
    // 0.6 s of the code's own time on each side of the wait: the clock resumes, it does not restart.
    const spin = "t = time.monotonic()\nwhile time.monotonic() - t < 0.6: pass\n";
    const output = await executor.run(`import time\n${spin}ask_human()\n${spin}`);
    expect(output.error?.type).toBe("TimeoutError");
  });

  it("re-sends tools and variables to a restarted runtime", async () => {
    const executor = python3Executor({ additionalAuthorizedImports: ["os"] });
    const shout = tool(
      {
        name: "shout",
        description: "Upper-cases.",
        inputs: { text: { type: "string", description: "t" } },
        outputType: "string",
      },
      ({ text }) => text.toUpperCase(),
    );
    await executor.sendTools([shout]);
    await executor.sendVariables({ greeting: "hello" });
    await executor.run("import os\nos._exit(1)");
    expect((await executor.run("shout(greeting)")).output).toBe("HELLO");
  });

  it("throws ExecutorError when the runtime cannot start", async () => {
    const missing = new RuntimeExecutor({
      createTransport: (signal) =>
        spawnRuntimeProcess({ command: "/nonexistent/python3", env: environment, signal }),
    });
    await expect(missing.run("1")).rejects.toThrow(/Could not start.*nonexistent/);
    const exits = new RuntimeExecutor({
      createTransport: (signal) =>
        spawnRuntimeProcess({
          command: "python3",
          args: ["-c", "import sys; sys.stderr.write('no runtime here\\n'); sys.exit(4)"],
          env: environment,
          signal,
        }),
    });
    const error = await exits.run("1").catch((caught: unknown) => caught);
    expect(ExecutorError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("exited with code 4");
    expect((error as Error).message).toContain("no runtime here");
  });

  it("refuses variable names Python cannot bind", async () => {
    const executor = python3Executor();
    await expect(executor.sendVariables({ "not-valid": 1 })).rejects.toThrow(
      "not a valid Python variable name",
    );
    await expect(executor.sendVariables({ class: 1 })).rejects.toThrow(ExecutorError);
  });

  it("starts a fresh runtime when used after cleanup, and pre-warms with start()", async () => {
    const executor = python3Executor();
    await executor.start();
    expect(executor.runtimeInfo?.implementation).toBe("cpython");
    await executor.run("before_cleanup = 1");
    await executor.cleanup();
    expect((await executor.run("'before_cleanup' in globals()")).output).toBe(false);
  });

  it("runs concurrent calls one after the other", async () => {
    const executor = python3Executor();
    const outputs = await Promise.all([
      executor.run("shared = 1"),
      executor.run("shared += 1\nshared"),
      executor.run("shared * 10"),
    ]);
    expect(outputs.map((output) => output.output)).toEqual([1, 2, 20]);
  });
});

describe("the runtime's own behaviour", () => {
  it("shows only the user's frames in tracebacks", async () => {
    const executor = python3Executor();
    const output = await executor.run("def inner():\n    raise KeyError('missing')\n\ninner()");
    expect(output.error?.traceback).toContain('File "<code>", line 2, in inner');
    expect(output.error?.traceback).not.toContain("smol_runtime");
    const earlier = await executor.run("inner()");
    expect(earlier.error?.traceback).toContain("<code of an earlier run");
  });

  it("checks importlib.import_module calls made by the code, not by the standard library", async () => {
    const executor = python3Executor({ additionalAuthorizedImports: ["importlib"] });
    const direct = await executor.run("import importlib\nimportlib.import_module('os')");
    expect(direct.error?.type).toBe("ImportError");
    const allowed = await executor.run("import importlib\nimportlib.import_module('math').sqrt(9)");
    expect(allowed.output).toBe(3);
  });

  it("uses a host tool named final_answer to shape the answer", async () => {
    const executor = python3Executor();
    const finalAnswer = tool(
      {
        name: "final_answer",
        description: "Ends.",
        inputs: { answer: { type: "any", description: "a" } },
        outputType: "any",
      },
      ({ answer }) => `checked: ${String(answer)}`,
    );
    await executor.sendTools([finalAnswer]);
    expect(await executor.run("final_answer(7)")).toMatchObject({
      output: "checked: 7",
      isFinalAnswer: true,
    });
  });

  it("keeps memory bounded under a print flood", async () => {
    const executor = python3Executor({ maxPrintOutputsLength: 1_000 });
    const output = await executor.run("for i in range(200_000):\n    print('x' * 50)\n'survived'");
    expect(output.output).toBe("survived");
    expect(output.logs.length).toBeLessThan(1_200);
  });

  it("blocks input() instead of reading protocol lines", async () => {
    const executor = python3Executor();
    expect((await executor.run("input('name? ')")).error?.type).toBe("EOFError");
  });
});

// The runtime supports CPython 3.10 and later: run a smoke test on every such interpreter found
// (on PATH, or installed by pyenv, whose shims only answer for the active version).
const interpreters = findInterpreters();

function findInterpreters(): string[] {
  const pyenvRoot = process.env.PYENV_ROOT ?? join(process.env.HOME ?? "/", ".pyenv");
  const candidates = ["python3.10", "python3.12", "python3.13", "python3.14"];
  if (existsSync(join(pyenvRoot, "versions"))) {
    for (const version of readdirSync(join(pyenvRoot, "versions")))
      candidates.push(join(pyenvRoot, "versions", version, "bin", "python3"));
  }
  const found = new Map<string, string>();
  for (const candidate of candidates) {
    try {
      const version = execFileSync(
        candidate,
        ["-c", "import sys; print('%d.%d' % sys.version_info[:2] if sys.version_info >= (3, 10) else '')"],
        {
          env: environment,
          encoding: "utf8",
          stdio: ["ignore", "pipe", "ignore"],
        },
      ).trim();
      if (version && !found.has(version)) found.set(version, candidate);
    } catch {
      // not installed
    }
  }
  return [...found.values()];
}
describe.skipIf(interpreters.length === 0)("the runtime on other Python versions", () => {
  for (const python of interpreters) {
    it(`works on ${python}`, async () => {
      const executor = python3Executor({ python });
      const add = tool(
        {
          name: "add",
          description: "Adds.",
          inputs: { a: { type: "integer", description: "a" }, b: { type: "integer", description: "b" } },
          outputType: "integer",
        },
        ({ a, b }) => a + b,
      );
      await executor.sendTools([add]);
      expect((await executor.run("print('hi')\nadd(1, b=2)")).output).toBe(3);
      expect((await executor.run("x = (\n")).error?.type).toBe("SyntaxError");
      expect((await executor.run("import os")).error?.type).toBe("ImportError");
      expect(await executor.run("try:\n    final_answer({1, 2})\nexcept Exception:\n    pass")).toMatchObject(
        {
          output: new Set([1, 2]),
          isFinalAnswer: true,
        },
      );
      expect((await executor.run("1 / 0")).error).toMatchObject({ type: "ZeroDivisionError", line: 1 });
    });
  }
});

describe("createExecutor", () => {
  it("loads HostPythonExecutor for executorType python", async () => {
    const executor = await createExecutor("python", { suppressSandboxWarning: true, timeoutSeconds: 5 });
    try {
      expect(executor.constructor.name).toBe("HostPythonExecutor");
      expect((await executor.run("2 + 2")).output).toBe(4);
    } finally {
      await executor.cleanup();
    }
  });

  it("names the package to install when it is missing", async () => {
    const error = await importOptionalPackage("@smol/executor-that-does-not-exist", 'executorType "x"').catch(
      (caught: unknown) => caught,
    );
    expect(MissingPackageError.isInstance(error)).toBe(true);
    expect((error as MissingPackageError).packageName).toBe("@smol/executor-that-does-not-exist");
    expect((error as Error).message).toContain("pnpm add @smol/executor-that-does-not-exist");
  });

  it("refuses an unknown type", async () => {
    await expect(createExecutor("quantum" as never)).rejects.toThrow(/Unknown executorType "quantum"/);
  });
});
