/**
 * Save and resume through the public API: `session.toJSON()` and `agent.session({ restore })`,
 * with a scripted model, in this process (ToolCallingAgent) and in a child process (CodeAgent
 * with real Python in the local sandbox, its variables defined again).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  type ActionStep,
  AgentToolExecutionError,
  CodeAgent,
  SessionSnapshotError,
  ToolCallingAgent,
  tool,
} from "@smol/core";
import { LocalPythonExecutor } from "@smol/executor-local";
import { ScriptedModel } from "@smol/testing";
import { afterAll, describe, expect, it } from "vitest";
import { answer, callTool, makeWeatherTool, quiet } from "./__tests__/fixtures.js";

const here = dirname(fileURLToPath(import.meta.url));
const repository = resolve(here, "../../../..");
const scratch = mkdtempSync(join(tmpdir(), "smol-snapshot-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const failing = tool(
  { name: "flaky", description: "Always fails.", inputs: {}, outputType: "string" },
  async () => {
    throw new Error("the service is down");
  },
);

/** A PNG signature and a few bytes: enough to check bytes survive. */
const imageBytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 255, 7]);

describe("a ToolCallingAgent session saved and restored", () => {
  it("gives the model the earlier memory, exactly as it read it, and keeps state, counters and step data", async () => {
    const model = new ScriptedModel([
      callTool("get_weather", { city: "Paris" }),
      callTool("flaky"),
      answer({ city: "Paris", when: new Date("2026-01-02T03:04:05.000Z") }),
      answer("It was Paris."),
    ]);
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool(), failing], model, ...quiet });
    const session = agent.session({ id: "saved-one" });
    await session.run("Weather in Paris?", {
      images: [{ type: "image", image: imageBytes, mediaType: "image/png" }],
      additionalArgs: { budget: 3n, tags: new Set(["a", "b"]) },
    });
    const text = JSON.stringify(session);
    const before = session.writeMemoryToMessages();
    await session.close();

    // Another agent of the same configuration, as a new process would build it.
    const resumed = new ToolCallingAgent({ tools: [makeWeatherTool(), failing], model, ...quiet });
    const restored = resumed.session({ restore: text });

    expect(restored.id).toBe("saved-one");
    expect(restored.runCount).toBe(1);
    expect(restored.stepNumber).toBe(3);
    expect(restored.state).toEqual({ budget: 3n, tags: new Set(["a", "b"]) });
    expect(restored.writeMemoryToMessages()).toEqual(before);
    const [task, , flakyStep, last] = restored.memory.steps;
    expect(task?.type === "task" && task.taskImages[0]?.image).toEqual(imageBytes);
    const flaky = flakyStep as ActionStep;
    expect(AgentToolExecutionError.isInstance(flaky.error)).toBe(true);
    expect(flaky.toolResults?.[0]?.error).toBe(flaky.error);
    expect((last as ActionStep).actionOutput).toEqual({
      city: "Paris",
      when: new Date("2026-01-02T03:04:05.000Z"),
    });
    expect(restored.monitor.tokenUsage).toEqual(session.monitor.tokenUsage);

    expect(await restored.run("Which city was it?", { reset: false })).toBe("It was Paris.");
    // The model's view of the new run starts with the whole earlier conversation.
    const seen = model.calls.at(-1)!.messages;
    expect(seen.slice(1, before.length)).toEqual(before.slice(1));
    expect(restored.runCount).toBe(2);
  });

  it("refuses a snapshot of an unknown version, a broken one and one that is not a snapshot", () => {
    const agent = new ToolCallingAgent({ tools: [], model: new ScriptedModel([answer("x")]), ...quiet });
    const good = agent.defaultSession.toJSON();
    const attempts: unknown[] = [
      { ...good, version: 2 },
      { ...good, memory: { systemPrompt: "", steps: [{ type: "action" }] } },
      {
        ...good,
        memory: {
          systemPrompt: "",
          steps: [{ type: "task", task: "t", taskImages: [{ __smol_type__: "nope" }] }],
        },
      },
      { ...good, state: { x: { __smol_type__: "bytes", base64: "%%%" } } },
      { ...good, runCount: -1 },
      "{ not json",
      { hello: "world" },
      null,
    ];
    for (const attempt of attempts) {
      let caught: unknown;
      try {
        agent.session({ restore: attempt as never });
      } catch (error) {
        caught = error;
      }
      expect(SessionSnapshotError.isInstance(caught), JSON.stringify(attempt)).toBe(true);
    }
    expect(() => agent.session({ restore: { ...good, version: 2 } as never })).toThrow(/version 2/);
  });

  it("refuses Python variables in an agent that cannot define them", () => {
    const agent = new ToolCallingAgent({ tools: [], model: new ScriptedModel([]), ...quiet });
    const snapshot = {
      ...agent.defaultSession.toJSON(),
      python: { variables: { x: 1 }, uncarried: [], omitted: 0 },
    };
    expect(() => agent.session({ restore: snapshot })).toThrow(SessionSnapshotError);
  });
});

/** The CodeAgent whose Python variables are saved: the first process's. */
const SAVE_CODE = `<code>
import math
from collections import OrderedDict
count = 41
ratio = 0.5
big = 2 ** 70
name = "smol"
items = [1, "two", None, True]
point = (3, 4)
colours = {"red", "green"}
by_number = {1: "one", (2, 3): "pair"}
raw = b"\\x00\\xffhi"
import datetime
day = datetime.date(2026, 1, 2)
moment = datetime.datetime(2026, 1, 2, 3, 4, 5)
ordered = OrderedDict(a=1)
def helper(x):
    return x + 1
class Thing:
    pass
numbers = (i for i in range(3))
mixed = [1, helper]
print("defined")
</code>`;

describe("a CodeAgent session saved in one process and resumed in another", () => {
  it("carries the Python variables the runtime can encode, lists the others, and defines them again in the child", async () => {
    const model = new ScriptedModel([SAVE_CODE, "<code>\nfinal_answer(count + 1)\n</code>"]);
    const executor = new LocalPythonExecutor();
    await using agent = new CodeAgent({ tools: [], model, executor, ...quiet });
    expect(await agent.run("Define some variables, then answer.")).toBe(42);

    const snapshot = agent.defaultSession.toJSON();
    const python = snapshot.python!;
    expect(python.error).toBeUndefined();
    expect(Object.keys(python.variables).sort()).toEqual(
      [
        "big",
        "by_number",
        "colours",
        "count",
        "day",
        "items",
        "moment",
        "name",
        "point",
        "ratio",
        "raw",
      ].sort(),
    );
    const uncarried = Object.fromEntries(python.uncarried.map((entry) => [entry.name, entry]));
    expect(Object.keys(uncarried).sort()).toEqual(
      ["OrderedDict", "Thing", "datetime", "helper", "math", "mixed", "numbers", "ordered"].sort(),
    );
    expect(uncarried.math!.reason).toMatch(/module/);
    expect(uncarried.helper!.reason).toMatch(/function/);
    expect(uncarried.Thing!.reason).toMatch(/class/);
    expect(uncarried.numbers!.pythonType).toBe("generator");
    expect(uncarried.ordered!.pythonType).toBe("collections.OrderedDict");
    expect(uncarried.mixed!.reason).toMatch(/holds a function/);
    expect(python.omitted).toBe(0);

    const file = join(scratch, "snapshot.json");
    writeFileSync(file, JSON.stringify(snapshot));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(here, "__tests__", "resume-child.mjs"), file],
      {
        cwd: repository,
        timeout: 60_000,
      },
    );
    const child = JSON.parse(stdout.trim().split("\n").at(-1)!) as {
      answer: Record<string, string>;
      earlierTaskSeen: boolean;
      earlierCodeSeen: boolean;
    };
    expect(child.earlierTaskSeen).toBe(true);
    expect(child.earlierCodeSeen).toBe(true);
    expect(child.answer).toEqual({
      count: "int 41",
      ratio: "float 0.5",
      big: `int ${2n ** 70n}`,
      name: "str 'smol'",
      items: "list [1, 'two', None, True]",
      point: "tuple (3, 4)",
      colours: "set ['green', 'red']",
      by_number: "dict {1: 'one', (2, 3): 'pair'}",
      raw: "bytes b'\\x00\\xffhi'",
      day: "date 2026-01-02",
      moment: "datetime 2026-01-02 03:04:05",
      helper: "missing",
    });
  });
});

describe("getVariables of the local sandbox", () => {
  it("stays within its caps: a value past them and names past the list's cap are reported, and the runtime lives on", async () => {
    await using executor = new LocalPythonExecutor();
    const setup = await executor.run(
      "huge = list(range(60_000))\nsmall = 'kept'\nfor i in range(1_100):\n    globals()[f'fn{i}'] = lambda: i\n",
    );
    expect(setup.error).toBeUndefined();
    const started = Date.now();
    const variables = await executor.getVariables();
    const elapsed = Date.now() - started;

    expect(variables.values).toEqual({ small: "kept", i: 1_099 });
    expect(variables.uncarried).toHaveLength(1_000);
    expect(variables.uncarried[0]).toEqual({
      name: "huge",
      pythonType: "list",
      reason: expect.stringMatching(/too large/),
    });
    expect(variables.omitted).toBe(101);
    expect(elapsed).toBeLessThan(5_000);
    expect((await executor.run("small + '!'")).output).toBe("kept!");
  });
});
