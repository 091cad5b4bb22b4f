/**
 * The host against a runtime that writes whatever a hostile guest could write on its stdout:
 * every line is bounded (length, nesting, number of values, text lengths), at most one tool call
 * is answered at a time, every request has a deadline, and none of it stalls the event loop or
 * grows the host's memory without bound.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ExecutorError } from "../../errors.js";
import { tool } from "../../tools/function-tool.js";
import type { Tool } from "../../tools/tool.js";
import type { HostMessage } from "../protocol.js";
import { MAX_ERROR_TEXT_LENGTH, MAX_PROTOCOL_LINE_LENGTH } from "../protocol.js";
import { RuntimeExecutor } from "../runtime-executor.js";
import { RuntimeSession } from "../runtime-session.js";
import { ScriptedRuntime } from "./scripted-runtime.js";

/** The issue's target: no hostile line holds the event loop longer than this. */
const MAX_STALL_MS = 50;
const MiB = 1024 * 1024;

async function startSession(runtime = new ScriptedRuntime()) {
  const session = await RuntimeSession.start(runtime, {
    authorizedImports: [],
    maxPrintOutputsLength: 1_000,
  });
  return { runtime, session };
}

/**
 * Runs `work` and reports the longest the event loop was held meanwhile, as CPU time: the
 * process's CPU use between two consecutive ticks of a 1 ms timer. On a machine shared with
 * other work, the wall-clock delay (`monitorEventLoopDelay`) also counts the time the scheduler
 * gave to other processes; CPU time between ticks counts only what the host itself did without
 * yielding. Both are returned; the test asserts on the first. It first lets the garbage of
 * building the hostile line (the test's cost, not the host's) be collected.
 */
async function measureStall(work: () => Promise<unknown>): Promise<number> {
  await delay(150);
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  let last = process.cpuUsage();
  let held = 0;
  const ticker = setInterval(() => {
    const now = process.cpuUsage();
    held = Math.max(held, (now.user - last.user + now.system - last.system) / 1_000);
    last = now;
  }, 1);
  histogram.enable();
  try {
    await work();
    // Both samplers see a block only when they next fire: give them that turn.
    await delay(20);
  } finally {
    clearInterval(ticker);
    histogram.disable();
  }
  stalls.push({ held, wall: histogram.max / 1e6 });
  return held;
}

/** Every measurement of the file, printed at the end with SMOL_STALL_REPORT=1. */
const stalls: { held: number; wall: number }[] = [];
afterAll(() => {
  if (process.env.SMOL_STALL_REPORT)
    console.log(
      stalls.map(({ held, wall }) => `held ${held.toFixed(1)} ms, wall ${wall.toFixed(1)} ms`).join("\n"),
    );
});

/** A tool_call line around `argument`, a JSON text put in as is. */
function toolCallJson(argument: string, name = "echo", callId = "c1"): string {
  return `{"type":"tool_call","callId":"${callId}","name":"${name}","args":[${argument}],"kwargs":{}}`;
}

const sessions: RuntimeSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.kill()));
});

/** A session in the middle of a run, as a guest would be when it forges lines. */
async function sessionInRun(tools: Tool[] = [echoTool()]) {
  const { runtime, session } = await startSession();
  sessions.push(session);
  await session.defineTools(tools);
  const running = session.run("forge()");
  running.catch(() => {});
  await runtime.next("run");
  return { runtime, session, running };
}

function echoTool(calls: unknown[] = []) {
  return tool(
    {
      name: "echo",
      description: "Returns the length of its argument.",
      inputs: { value: { type: "any", description: "anything" } },
      outputType: "integer",
    },
    async ({ value }) => {
      calls.push(value);
      return typeof value === "string" ? value.length : JSON.stringify(value).length;
    },
  );
}

describe("the host bounds every line", () => {
  it("refuses a line nested deeper than the limit, without parsing it or stalling", async () => {
    const { runtime, session } = await sessionInRun();
    const depth = 3 * MiB;
    const line = runtime.framed(toolCallJson(`${"[".repeat(depth)}${"]".repeat(depth)}`));
    const stall = await measureStall(async () => {
      await runtime.feed(line);
      await session.ended;
    });
    expect(session.end?.violation).toBe(true);
    expect(session.end?.reason).toMatch(/nested deeper than 512 levels/);
    expect(stall).toBeLessThan(MAX_STALL_MS);
  });

  it("refuses a line with too many values (the [{},{},…] blow-up)", async () => {
    const { runtime, session } = await sessionInRun();
    const line = runtime.framed(toolCallJson(`[${Array(2_500_000).fill("{}").join(",")}]`));
    expect(line.length).toBeLessThan(MAX_PROTOCOL_LINE_LENGTH);
    const stall = await measureStall(async () => {
      await runtime.feed(line);
      await session.ended;
    });
    expect(session.end?.reason).toMatch(/more than 200000 values/);
    expect(stall).toBeLessThan(MAX_STALL_MS);
  });

  for (const [what, json] of [
    ["a 20 MB nested line", () => `${"[".repeat(10 * MiB)}${"]".repeat(10 * MiB)}`],
    ["a 15 MB [{},{},…] line", () => `[${Array(5_000_000).fill("{}").join(",")}]`],
    ["a 16 MB string argument", () => toolCallJson(JSON.stringify("x".repeat(16 * MiB)))],
  ] as const) {
    it(`stops reading ${what} at the line limit, without stalling`, async () => {
      const { runtime, session } = await sessionInRun();
      const line = runtime.framed(json());
      const stall = await measureStall(async () => {
        await runtime.feed(line);
        await session.ended;
      });
      expect(session.end).toBeDefined();
      expect(await runtime.closed).toEqual({ reason: expect.stringMatching(/^overflow: line of/) });
      expect(stall).toBeLessThan(MAX_STALL_MS);
    });
  }

  it("accepts a 7 MB string argument, and answers it without stalling", async () => {
    const calls: unknown[] = [];
    const { runtime, session } = await sessionInRun([echoTool(calls)]);
    const line = runtime.framed(toolCallJson(`"${"\\n".repeat(3.5 * MiB)}"`));
    const answered = runtime.next("tool_result");
    const stall = await measureStall(async () => {
      await runtime.feed(line);
      await answered;
    });
    expect(await answered).toMatchObject({ type: "tool_result", ok: true, value: 3.5 * MiB });
    expect(session.end).toBeUndefined();
    expect(stall).toBeLessThan(MAX_STALL_MS);
  });

  it("cuts the error message and traceback of a failed run to the runtime's own cap", async () => {
    const { runtime, session } = await startSession();
    sessions.push(session);
    const running = session.run("1/0");
    const run = (await runtime.next("run")) as Extract<HostMessage, { type: "run" }>;
    const huge = "E".repeat(3 * MiB);
    runtime.send({
      type: "error",
      id: run.id,
      error: { type: "ValueError", message: huge, traceback: huge },
      logs: "",
    });
    const output = await running;
    expect(output.error?.type).toBe("ValueError");
    expect(output.error?.message.length).toBeLessThan(MAX_ERROR_TEXT_LENGTH + 200);
    expect(output.error?.traceback?.length).toBeLessThan(MAX_ERROR_TEXT_LENGTH + 200);
    expect(output.error?.message).toMatch(/characters of output truncated/);
  });

  it("cuts a fatal message", async () => {
    const { runtime, session } = await startSession();
    sessions.push(session);
    runtime.send({ type: "fatal", message: "F".repeat(3 * MiB) });
    const end = await session.ended;
    expect(end.reason.length).toBeLessThan(MAX_ERROR_TEXT_LENGTH + 300);
  });

  it("refuses a tool name over 200 characters, and echoes at most 100 of an unknown one", async () => {
    const first = await sessionInRun();
    first.runtime.send(JSON.parse(toolCallJson("1", "n".repeat(201))));
    expect((await first.session.ended).reason).toMatch(/at name: .*200/);

    const second = await sessionInRun();
    const answered = second.runtime.next("tool_result");
    second.runtime.send(JSON.parse(toolCallJson("1", "u".repeat(200))));
    const reply = (await answered) as Extract<HostMessage, { type: "tool_result"; ok: false }>;
    expect(reply.ok).toBe(false);
    expect(reply.error.message).toContain(`Unknown tool '${"u".repeat(100)}…'`);
    expect(reply.error.message).not.toContain("u".repeat(101));
  });
});

describe("the host answers one tool call at a time", () => {
  it("treats a second call while the first is being answered as a violation", async () => {
    let release!: () => void;
    const slow = tool(
      {
        name: "slow",
        description: "Waits for the test.",
        inputs: {},
        outputType: "string",
      },
      () => new Promise<string>((resolve) => (release = () => resolve("done"))),
    );
    const { runtime, session, running } = await sessionInRun([slow]);
    runtime.send(JSON.parse(toolCallJson("", "slow", "c1")));
    runtime.send(JSON.parse(toolCallJson("", "slow", "c2")));
    const end = await session.ended;
    expect(end.violation).toBe(true);
    expect(end.reason).toMatch(/a second tool call while one was being answered/);
    await expect(running).rejects.toThrow(ExecutorError);
    release();
  });

  it("stops a flood of forged calls whose answers the runtime never reads", async () => {
    let active = 0;
    let mostActive = 0;
    let calls = 0;
    const counted = tool(
      { name: "counted", description: "Counts its calls.", inputs: {}, outputType: "integer" },
      async () => {
        active += 1;
        calls += 1;
        mostActive = Math.max(mostActive, active);
        await Promise.resolve();
        active -= 1;
        return calls;
      },
    );
    const { runtime, session } = await sessionInRun([counted]);
    runtime.stalledInput = true;
    const flood = Buffer.from(
      Array.from(
        { length: 100_000 },
        (_, index) => `${runtime.prefix}${toolCallJson("", "counted", `c${index}`)}\n`,
      ).join(""),
    );
    const before = process.memoryUsage().rss;
    await runtime.feed(flood);
    const end = await session.ended;
    expect(end.reason).toMatch(/answers to earlier ones were not read/);
    expect(calls).toBeLessThanOrEqual(9);
    expect(mostActive).toBe(1);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * MiB);
  });
});

describe("every request has a deadline", () => {
  it("kills a runtime that never acknowledges define_tools", async () => {
    const runtime = new ScriptedRuntime();
    const { session } = await startSession(runtime);
    sessions.push(session);
    runtime.wedged = true;
    const started = Date.now();
    await expect(session.defineTools([echoTool()])).rejects.toThrow(
      /did not acknowledge define_tools within 5.0 s/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
    expect(runtime.killed).toBe(true);
  }, 15_000);
});

describe("RuntimeExecutor against a hostile runtime", () => {
  const executors: RuntimeExecutor[] = [];
  afterEach(async () => {
    await Promise.all(executors.splice(0).map((executor) => executor.cleanup()));
  });

  /** An executor over scripted runtimes: each run is answered by `answer`, on a fresh runtime after a kill. */
  function scriptedExecutor(
    answer: (runtime: ScriptedRuntime, run: Extract<HostMessage, { type: "run" }>) => void,
    timeoutSeconds = 10,
  ) {
    const runtimes: ScriptedRuntime[] = [];
    const executor = new RuntimeExecutor({
      name: "ScriptedExecutor",
      timeoutSeconds,
      createTransport: async () => {
        const runtime = new ScriptedRuntime();
        runtimes.push(runtime);
        const serve = async () => {
          while (!runtime.killed) {
            const run = (await runtime.next("run")) as Extract<HostMessage, { type: "run" }>;
            answer(runtime, run);
          }
        };
        void serve();
        return runtime;
      },
    });
    executors.push(executor);
    return { executor, runtimes };
  }

  it("restarts after a second tool call, with a clear error, and the next run works", async () => {
    const { executor, runtimes } = scriptedExecutor((runtime, run) => {
      if (run.code === "forge") {
        runtime.send(JSON.parse(toolCallJson("", "never", "c1")));
        runtime.send(JSON.parse(toolCallJson("", "never", "c2")));
      } else runtime.send({ type: "result", id: run.id, output: 42, logs: "", isFinalAnswer: false });
    });
    const never = tool(
      { name: "never", description: "Never answers.", inputs: {}, outputType: "string" },
      () => new Promise<string>(() => {}),
    );
    await executor.sendTools([never]);
    const forged = await executor.run("forge");
    expect(forged.error?.type).toBe("SandboxError");
    expect(forged.error?.message).toMatch(/was stopped while running this code: .*a second tool call/);
    const next = await executor.run("6 * 7");
    expect(next).toMatchObject({ output: 42 });
    expect(runtimes).toHaveLength(2);
  });

  it("replaces a runtime that stops acknowledging set_variables, and says so in the next run", async () => {
    const { executor, runtimes } = scriptedExecutor((runtime, run) => {
      runtime.send({ type: "result", id: run.id, output: 1, logs: "", isFinalAnswer: false });
    });
    await executor.start();
    (runtimes[0] as ScriptedRuntime).wedged = true;
    await executor.sendVariables({ answer: 42 });
    expect(runtimes[0]?.killed).toBe(true);
    const next = await executor.run("answer");
    expect(next.logs).toMatch(/did not acknowledge set_variables within .* and was restarted/);
    // The fresh runtime was given the variables again.
    expect(runtimes[1]?.received).toContainEqual(
      expect.objectContaining({ type: "set_variables", variables: { answer: 42 } }),
    );
  }, 15_000);

  it("times a run out even when the runtime never answers", async () => {
    const executor = new RuntimeExecutor({
      name: "SilentExecutor",
      timeoutSeconds: 0.5,
      createTransport: async () => new ScriptedRuntime(),
    });
    executors.push(executor);
    const output = await executor.run("anything");
    expect(output.error?.type).toBe("TimeoutError");
  });

  it("keeps the host's memory bounded under 100 forged 7 MB tool calls", async () => {
    const calls: unknown[] = [];
    let line: Uint8Array | undefined;
    const { executor, runtimes } = scriptedExecutor((runtime, run) => {
      void (async () => {
        line ??= runtime.framed(toolCallJson(JSON.stringify("a".repeat(7 * MiB)), "unknown_tool"));
        for (let index = 0; index < 100 && !runtime.killed; index += 1) await runtime.feed(line);
        runtime.send({ type: "result", id: run.id, output: calls.length, logs: "", isFinalAnswer: false });
      })();
    }, 90);
    await executor.sendTools([echoTool(calls)]);
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      const output = await executor.run("forge");
      expect(output).toMatchObject({ output: 0 });
    } finally {
      clearInterval(sampler);
    }
    // Every forged call was read and answered (as an unknown tool), one after the other.
    const answers = runtimes[0]?.received.filter((message) => message.type === "tool_result");
    expect(answers).toHaveLength(100);
    expect(peak - before).toBeLessThan(200 * MiB);
  }, 120_000);
});
