import { ExecutorError, type PythonExecutor, type PythonExecutorOptions } from "@smol/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conformanceTools } from "./conformance-tools.js";
import { finalAnswerCases } from "./final-answer-cases.js";

/** Builds the executor under test; called once for the shared executor and once per option set. */
export type ConformanceExecutorFactory = (
  options: PythonExecutorOptions,
) => PythonExecutor | Promise<PythonExecutor>;

/** Options of `describeExecutorConformance`. */
export interface ExecutorConformanceOptions {
  /** Per-test timeout in milliseconds; default 60 s (sandboxes can be slow to start). */
  testTimeoutMs?: number;
}

/**
 * Registers the vitest tests every smol executor must pass: state between runs, prints and the
 * last value, errors with their line, tools (positional and keyword arguments, errors,
 * structured results), final answers of every serializable type, the import policy, variables,
 * print truncation, timeouts and cleanup.
 *
 * @example
 * describeExecutorConformance("HostPythonExecutor", (options) => new HostPythonExecutor({ ...options, suppressSandboxWarning: true }));
 */
export function describeExecutorConformance(
  name: string,
  createExecutor: ConformanceExecutorFactory,
  options: ExecutorConformanceOptions = {},
): void {
  const timeout = options.testTimeoutMs ?? 60_000;

  /** Runs `body` with a fresh executor built with these options, and always cleans it up. */
  async function withExecutor<T>(
    executorOptions: PythonExecutorOptions,
    body: (executor: PythonExecutor) => Promise<T>,
  ) {
    const executor = await createExecutor(executorOptions);
    try {
      return await body(executor);
    } finally {
      await executor.cleanup();
    }
  }

  describe(`${name} conforms to the executor contract`, () => {
    let executor: PythonExecutor;
    const toolCalls: unknown[] = [];

    const { addNumbers, greet, flaky, lookUpUser, listPrimes } = conformanceTools(toolCalls);

    beforeAll(async () => {
      executor = await createExecutor({});
      await executor.sendTools([addNumbers, greet, flaky, lookUpUser, listPrimes]);
    }, timeout);
    afterAll(async () => {
      await executor?.cleanup();
    }, timeout);

    // ---- state, prints, values

    it(
      "keeps variables and functions between runs",
      async () => {
        expect((await executor.run("counter = 41")).error).toBeUndefined();
        expect((await executor.run("def double(x):\n    return 2 * x")).error).toBeUndefined();
        const output = await executor.run("counter += 1\ndouble(counter) // 2");
        expect(output).toMatchObject({ output: 42, isFinalAnswer: false });
        expect(output.error).toBeUndefined();
      },
      timeout,
    );

    it(
      "returns what the code printed and the value of the last expression",
      async () => {
        const output = await executor.run("print('hello')\nprint('world', 42)\n6 * 7");
        expect(output).toEqual({ output: 42, logs: "hello\nworld 42\n", isFinalAnswer: false });
        // A snippet that ends in an assignment is worth the assigned value, as in smolagents.
        const assignment = await executor.run("last_assignment = 5");
        expect(assignment.output).toBe(5);
        expect((await executor.run("last_assignment += 1")).output).toBe(6);
        const unicode = await executor.run("print('héllo ✓ 日本 🐍')\n'ok ✓'");
        expect(unicode.logs).toBe("héllo ✓ 日本 🐍\n");
        expect(unicode.output).toBe("ok ✓");
      },
      timeout,
    );

    it(
      "reports a runtime error with its type, message, line and traceback, keeping earlier prints",
      async () => {
        const output = await executor.run(
          "print('before')\nnumerator = 1\nratio = numerator / 0\nprint('after')",
        );
        expect(output.output).toBeNull();
        expect(output.isFinalAnswer).toBe(false);
        expect(output.logs).toBe("before\n");
        expect(output.error).toMatchObject({ type: "ZeroDivisionError", line: 3 });
        expect(output.error?.message).toContain("division by zero");
        expect(output.error?.traceback).toContain("ratio = numerator / 0");
        // The executor is healthy afterwards and kept its state.
        expect((await executor.run("numerator + 1")).output).toBe(2);
      },
      timeout,
    );

    it(
      "reports the line of an error raised inside a function defined in the snippet",
      async () => {
        const output = await executor.run(
          "def check(value):\n    if value < 0:\n        raise ValueError(f'negative: {value}')\n    return value\n\ncheck(3)\ncheck(-2)",
        );
        // The line where the exception was raised; the traceback shows the call site (line 7) too.
        expect(output.error).toMatchObject({ type: "ValueError", message: "negative: -2", line: 3 });
        expect(output.error?.traceback).toContain("check(-2)");
      },
      timeout,
    );

    it(
      "reports a syntax error with its line and a caret",
      async () => {
        const output = await executor.run("x = 1\nif x\n    y = 2");
        expect(output.error).toMatchObject({ type: "SyntaxError", line: 2 });
        expect(output.error?.traceback).toContain("^");
      },
      timeout,
    );

    // ---- tools

    it(
      "calls tools with positional and keyword arguments",
      async () => {
        toolCalls.length = 0;
        const output = await executor.run(
          "add_numbers(2, 3) + add_numbers(a=10, b=20) + add_numbers(1, b=4) + add_numbers(b=100, a=200)",
        );
        expect(output.error).toBeUndefined();
        expect(output.output).toBe(340);
        expect(toolCalls).toEqual([
          { a: 2, b: 3 },
          { a: 10, b: 20 },
          { a: 1, b: 4 },
          { a: 200, b: 100 },
        ]);
      },
      timeout,
    );

    it(
      "leaves a nullable argument out when the code does not give it",
      async () => {
        const output = await executor.run(
          "[greet('Ada'), greet('Alan', greeting='Hi'), greet(person='Grace', greeting='Hey')]",
        );
        expect(output.output).toEqual(["Hello, Ada!", "Hi, Alan!", "Hey, Grace!"]);
      },
      timeout,
    );

    it(
      "raises TypeError in Python when a tool is called with wrong arguments",
      async () => {
        const output = await executor.run("add_numbers(1)");
        expect(output.error?.type).toBe("TypeError");
        expect(output.error?.message).toContain("b");
        // As many arguments as inputs, but not the right ones: still refused in Python.
        const misnamed = await executor.run("add_numbers(a=1, c=2)");
        expect(misnamed.error?.type).toBe("TypeError");
        expect(misnamed.error?.message).toContain("add_numbers()");
        const tooMany = await executor.run("add_numbers(1, 2, 3)");
        expect(tooMany.error?.type).toBe("TypeError");
      },
      timeout,
    );

    it(
      "turns a tool's failure into a Python exception the code can catch",
      async () => {
        const caught = await executor.run(
          "try:\n    flaky_service()\n    outcome = 'no error'\nexcept Exception as error:\n    outcome = str(error)\noutcome",
        );
        expect(caught.error).toBeUndefined();
        expect(String(caught.output)).toContain("service unavailable, try again later");
        const uncaught = await executor.run("flaky_service()");
        expect(uncaught.error?.message).toContain("service unavailable, try again later");
        expect(uncaught.error?.line).toBe(1);
      },
      timeout,
    );

    it(
      "gives tools' structured results to Python as dicts and lists",
      async () => {
        const output = await executor.run(
          "user = look_up_user(7)\nprimes = list_primes()\n(type(user).__name__, user['address']['city'], user['tags'][1], user['address']['zip'] is None, user['id'], type(primes).__name__, sum(primes))",
        );
        expect(output.error).toBeUndefined();
        expect(output.output).toEqual(["dict", "London", "early", true, 7, "list", 28]);
      },
      timeout,
    );

    // ---- final answers

    for (const [label, code, check] of finalAnswerCases) {
      it(
        `returns a final answer of ${label}`,
        async () => {
          const output = await executor.run(code);
          expect(output.error).toBeUndefined();
          expect(output.isFinalAnswer).toBe(true);
          check(output.output);
        },
        timeout,
      );
    }

    it(
      "ends the run at final_answer, even inside `except Exception`",
      async () => {
        const output = await executor.run(
          "try:\n    final_answer('kept')\nexcept Exception:\n    print('caught it')\nprint('not reached')",
        );
        expect(output).toMatchObject({ output: "kept", isFinalAnswer: true });
        expect(output.logs).not.toContain("caught it");
        expect(output.logs).not.toContain("not reached");
      },
      timeout,
    );

    it(
      "keeps the final answer when a bare `except:` swallows it",
      async () => {
        const output = await executor.run(
          "try:\n    final_answer('first')\nexcept:\n    pass\n'the last value'",
        );
        expect(output).toMatchObject({ output: "first", isFinalAnswer: true });
        const next = await executor.run("'a normal run'");
        expect(next).toMatchObject({ output: "a normal run", isFinalAnswer: false });
      },
      timeout,
    );

    // ---- variables

    it(
      "makes sent variables Python globals, with their types",
      async () => {
        await executor.sendVariables({
          question: "why?",
          numbers: [1, 2, 3],
          config: { depth: 2, labels: ["a"] },
          when: new Date(Date.UTC(2024, 4, 17, 12, 0, 0)),
          raw: new Uint8Array([1, 2, 255]),
          unique: new Set(["x"]),
        });
        const output = await executor.run(
          "(question, sum(numbers), config['depth'], config['labels'], when.year, when.month, raw, type(raw).__name__, unique)",
        );
        expect(output.error).toBeUndefined();
        expect(output.output).toEqual([
          "why?",
          6,
          2,
          ["a"],
          2024,
          5,
          new Uint8Array([1, 2, 255]),
          "bytes",
          new Set(["x"]),
        ]);
      },
      timeout,
    );

    // ---- import policy

    it(
      "lets the code import the base modules, whose own imports keep working",
      async () => {
        const output = await executor.run(
          "import collections, datetime, itertools, json, math, queue, random, re, stat, statistics, time, unicodedata\n" +
            "from collections import Counter\n" +
            "(statistics.mean([1, 2, 3, 4]), json.dumps({'a': [1]}), Counter('aab')['a'], math.factorial(5))",
        );
        expect(output.error).toBeUndefined();
        expect(output.output).toEqual([2.5, '{"a": [1]}', 2, 120]);
      },
      timeout,
    );

    it(
      "refuses a forbidden import with a message that names the module and the allowed list",
      async () => {
        for (const code of [
          "import os",
          "from os import path",
          "import subprocess as sp",
          "__import__('os')",
          "import importlib",
        ]) {
          const output = await executor.run(code);
          expect(output.error?.type, code).toBe("ImportError");
          expect(output.error?.message, code).toMatch(/'(os|subprocess|importlib)'/);
          expect(output.error?.message, code).toContain("statistics");
        }
      },
      timeout,
    );

    it(
      "applies additionalAuthorizedImports: exact entries, `pkg.*` trees, submodules needing their own entry",
      async () => {
        await withExecutor({ additionalAuthorizedImports: ["email.*", "html"] }, async (restricted) => {
          const allowed = await restricted.run("import email.mime.text\nimport html\nhtml.escape('<b>')");
          expect(allowed.error).toBeUndefined();
          expect(allowed.output).toBe("&lt;b&gt;");
          const submodule = await restricted.run("import html.parser");
          expect(submodule.error?.type).toBe("ImportError");
          expect(submodule.error?.message).toContain("html.parser");
          expect(submodule.error?.message).toContain("email.*");
        });
        await withExecutor({ additionalAuthorizedImports: ["*"] }, async (open) => {
          const output = await open.run("import html.parser, email.utils\n'ok'");
          expect(output.error).toBeUndefined();
          expect(output.output).toBe("ok");
        });
      },
      timeout,
    );

    it(
      "tells how to allow a refused import: additionalAuthorizedImports in code, --imports in the CLI",
      async () => {
        const output = await executor.run("import csv");
        expect(output.error?.type).toBe("ImportError");
        expect(output.error?.message).toContain("additionalAuthorizedImports");
        expect(output.error?.message).toContain("--imports");
      },
      timeout,
    );

    it(
      "lets an authorized submodule's parent be imported, not the parent's other submodules",
      async () => {
        await withExecutor({ additionalAuthorizedImports: ["xml.dom"] }, async (restricted) => {
          const parent = await restricted.run(
            "import xml\nimport xml.dom\nxml.__name__ + ' ' + xml.dom.__name__",
          );
          expect(parent.error).toBeUndefined();
          expect(parent.output).toBe("xml xml.dom");
          const sibling = await restricted.run("import xml.sax");
          expect(sibling.error?.type).toBe("ImportError");
          expect(sibling.error?.message).toContain("xml.sax");
        });
      },
      timeout,
    );

    it(
      "fails at start, naming it, when an authorized module exists nowhere",
      async () => {
        const typo = await createExecutor({ additionalAuthorizedImports: ["math", "nmpy_not_a_module"] });
        try {
          const failure = await typo.run("1 + 1").then(
            (output) => new Error(`the run gave ${JSON.stringify(output)}`),
            (error: unknown) => error,
          );
          expect(ExecutorError.isInstance(failure), String(failure)).toBe(true);
          expect((failure as Error).message).toContain("nmpy_not_a_module");
        } finally {
          await typo.cleanup();
        }
      },
      timeout,
    );

    // ---- hostile values: the code's own error, and the session lives on

    it(
      "reports a value whose own methods raise while it is sent as the run's error, keeping the session",
      async () => {
        expect((await executor.run("kept_through_hostile_values = 41")).error).toBeUndefined();
        const cases: [string, string][] = [
          ["class S(str):\n    def __str__(self):\n        raise ValueError('no str')\nS('x')", "ValueError"],
          [
            "class F(float):\n    def __float__(self):\n        raise ValueError('no float')\nfinal_answer(F(2.5))",
            "ValueError",
          ],
          ["class D(dict):\n    def items(self):\n        raise KeyError('no items')\nD(a=1)", "KeyError"],
          [
            "class L(list):\n    def __iter__(self):\n        raise TypeError('no iter')\nL([1, 2])",
            "TypeError",
          ],
        ];
        for (const [code, type] of cases) {
          const output = await executor.run(code);
          expect(output.error?.type, code).toBe(type);
          expect(output.error?.message, code).toContain("could not be sent");
          expect(output.isFinalAnswer, code).toBe(false);
        }
        const broken = await executor.run("class R:\n    def __repr__(self):\n        raise ValueError\nR()");
        expect(broken.error).toBeUndefined();
        expect(broken.output).toMatch(/repr failed: ValueError/);
        expect((await executor.run("kept_through_hostile_values + 1")).output).toBe(42);
      },
      timeout,
    );

    it(
      "sends a value too large for one message as a shortened repr, quickly",
      async () => {
        const started = Date.now();
        const output = await executor.run("huge_result = [{}] * 5_000_000");
        expect(output.error).toBeUndefined();
        expect(typeof output.output).toBe("string");
        expect(output.output).toMatch(/^\[\{\}, \{\}, /);
        expect(output.output).toContain("4999980 more");
        expect(output.output).toContain("value too large to send");
        expect(Date.now() - started).toBeLessThan(15_000);
        // Below the caps, a big value still comes back whole.
        const whole = await executor.run("list(range(50_000))");
        expect((whole.output as number[]).length).toBe(50_000);
        expect((await executor.run("len(huge_result)")).output).toBe(5_000_000);
      },
      timeout,
    );

    it(
      "caps the message and traceback of a huge exception",
      async () => {
        const output = await executor.run("raise ValueError('x' * 5_000_000)");
        expect(output.error?.type).toBe("ValueError");
        expect(output.error?.message.length).toBeLessThan(12_000);
        expect(output.error?.message).toMatch(/truncated/); // by the runtime, or again by the host
        expect(output.error?.traceback?.length ?? 0).toBeLessThan(12_000);
      },
      timeout,
    );

    // ---- limits

    it(
      "truncates long print output, keeping the head and the tail",
      async () => {
        await withExecutor({ maxPrintOutputsLength: 200 }, async (small) => {
          const output = await small.run("for i in range(1000):\n    print('line', i)\n'done'");
          expect(output.output).toBe("done");
          expect(output.logs.length).toBeLessThan(400);
          expect(output.logs).toContain("line 0\n");
          expect(output.logs).toContain("line 999\n");
          expect(output.logs).toContain("truncated");
        });
      },
      timeout,
    );

    it(
      "stops code that runs past timeoutSeconds, and the next run works (with fresh state)",
      async () => {
        await withExecutor({ timeoutSeconds: 1 }, async (limited) => {
          expect((await limited.run("kept_before_timeout = 1")).error).toBeUndefined();
          const stuck = await limited.run("while True:\n    pass");
          expect(stuck.output).toBeNull();
          expect(stuck.isFinalAnswer).toBe(false);
          expect(stuck.error?.type).toBe("TimeoutError");
          expect(stuck.error?.message).toContain("1 second");
          // The runtime was replaced: it works, and the old state is gone (the model is told so).
          const after = await limited.run("('kept_before_timeout' in globals(), 1 + 1)");
          expect(after.error).toBeUndefined();
          expect(after.output).toEqual([false, 2]);
        });
      },
      timeout,
    );

    it(
      "keeps tools working after a timeout",
      async () => {
        await withExecutor({ timeoutSeconds: 1 }, async (limited) => {
          await limited.sendTools([addNumbers]);
          expect((await limited.run("while True:\n    pass")).error?.type).toBe("TimeoutError");
          expect((await limited.run("add_numbers(20, 22)")).output).toBe(42);
        });
      },
      timeout,
    );

    it(
      "can be cleaned up twice, and disposed",
      async () => {
        const disposable = await createExecutor({});
        expect((await disposable.run("1")).output).toBe(1);
        await disposable.cleanup();
        await disposable.cleanup();
        await disposable[Symbol.asyncDispose]();
      },
      timeout,
    );
  });
}
