/**
 * CodeAgent sessions with real Python: each session of one agent has its own executor, so its
 * own Python variables, also when many run at the same time.
 */
import {
  AgentConfigurationError,
  AgentInterruptedError,
  type ChatMessage,
  CodeAgent,
  LogLevel,
  type RunEvent,
} from "@smol/core";
import { ScriptedModel } from "@smol/testing";
import { describe, expect, it } from "vitest";
import { hostExecutors } from "./__tests__/host-executors.js";
import { LocalPythonExecutor } from "./local/index.js";

const hostExecutor = hostExecutors();

/** The text of the last task the model reads. */
function lastTask(messages: ChatMessage[]): string {
  const task = messages.findLast((message) => message.role === "user");
  return typeof task?.content === "string" ? task.content : JSON.stringify(task?.content);
}

/** Whether the model is asked for the first step of its run (nothing after the task yet). */
function isFirstStep(messages: ChatMessage[]): boolean {
  return messages.at(-1)?.role === "user" && lastTask(messages).includes("New task");
}

describe("CodeAgent sessions in the local sandbox (Pyodide in Deno)", () => {
  it("runs 20 sessions of one agent at once, each with its own Python variables", async () => {
    const count = 20;
    let defined = 0;
    let releaseSecondSteps!: () => void;
    const allDefined = new Promise<void>((resolve) => {
      releaseSecondSteps = resolve;
    });
    const model = new ScriptedModel(async (messages) => {
      const number = Number(/Session (\d+)/.exec(lastTask(messages))?.[1]);
      if (isFirstStep(messages)) {
        return `<code>\nmine = ${number}\nshared = ${number}\nprint(mine)\n</code>`;
      }
      // Every session's second step waits until all of them have run their first: had they
      // shared an interpreter, `shared` would hold the last writer's number by now.
      defined += 1;
      if (defined === count) releaseSecondSteps();
      await allDefined;
      return "<code>\nfinal_answer([mine, shared])\n</code>";
    });
    await using agent = new CodeAgent({ tools: [], model, verbosityLevel: LogLevel.OFF });
    const sessions = Array.from({ length: count }, () => agent.session());

    const answers = await Promise.all(sessions.map((session, index) => session.run(`Session ${index}`)));

    expect(answers).toEqual(sessions.map((_, index) => [index, index]));
    sessions.forEach((session, index) => {
      const tasks = session.memory.steps.flatMap((step) => (step.type === "task" ? [step.task] : []));
      expect(tasks).toEqual([`Session ${index}`]);
    });
    // Twenty sandboxes were started, none of them the default session's.
    expect(agent.pythonExecutor).toBeUndefined();
    expect(model.callCount).toBe(2 * count);
  }, 240_000);

  it("keeps a session's variables across its runs, and out of the other sessions", async () => {
    const model = new ScriptedModel((messages) => {
      const task = lastTask(messages);
      if (task.includes("Define")) return "<code>\nsecret = 'kept'\nfinal_answer(secret)\n</code>";
      return "<code>\ntry:\n    found = secret\nexcept NameError:\n    found = None\nfinal_answer(found)\n</code>";
    });
    await using agent = new CodeAgent({ tools: [], model, verbosityLevel: LogLevel.OFF });
    await using first = agent.session();
    await using second = agent.session();

    expect(await first.run("Define it")).toBe("kept");
    expect(await first.run("Read it", { reset: false })).toBe("kept");
    expect(await second.run("Read it")).toBeNull();
    expect(await agent.run("Read it")).toBeNull();
    expect(agent.pythonExecutor).toBeInstanceOf(LocalPythonExecutor);
  }, 120_000);
});

describe("CodeAgent sessions and their executors", () => {
  it("closes a session's executor with the session, and refuses to share the agent's own", async () => {
    const sessionExecutor = hostExecutor();
    let cleaned = 0;
    const cleanup = sessionExecutor.cleanup.bind(sessionExecutor);
    sessionExecutor.cleanup = async () => {
      cleaned += 1;
      await cleanup();
    };
    const agent = new CodeAgent({
      tools: [],
      model: new ScriptedModel(["<code>final_answer(6 * 7)</code>"]),
      executor: hostExecutor(),
      verbosityLevel: LogLevel.OFF,
    });
    expect(() => agent.session()).toThrow(AgentConfigurationError);
    {
      await using session = agent.session({ executor: sessionExecutor });
      expect(await session.run("Six times seven")).toBe(42);
      expect(cleaned).toBe(0);
    }
    expect(cleaned).toBe(1);
    await agent.cleanup();
  });

  it("yields run-start … run-end around an interrupted run, with the step that ran", async () => {
    const agent = new CodeAgent({
      tools: [],
      model: new ScriptedModel(["<code>x = 1\nprint(x)</code>", "<code>final_answer(x)</code>"]),
      executor: hostExecutor(),
      verbosityLevel: LogLevel.OFF,
      stepCallbacks: [(_step, context) => context.interrupt()],
    });
    const events: RunEvent[] = [];
    const error = await (async () => {
      for await (const event of agent.run("Count", { stream: true })) events.push(event);
    })().catch((caught: unknown) => caught);

    expect(AgentInterruptedError.isInstance(error)).toBe(true);
    expect(events.map((event) => event.type)).toEqual([
      "run-start",
      "step-start",
      "tool-call",
      "action-output",
      "action-step",
      "run-end",
    ]);
    const end = events.at(-1)!;
    expect(end.type === "run-end" && end.result.state).toBe("error");
    expect(new Set(events.map((event) => event.sessionId))).toEqual(new Set([agent.defaultSession.id]));
  });
});

describe("closing a CodeAgent session during its run", () => {
  it("interrupts the run at the end of its step and starts no sandbox for it", async () => {
    let releaseModel!: () => void;
    const modelHeld = new Promise<void>((resolve) => {
      releaseModel = resolve;
    });
    let modelCalled!: () => void;
    const modelWasCalled = new Promise<void>((resolve) => {
      modelCalled = resolve;
    });
    const model = new ScriptedModel(async () => {
      modelCalled();
      await modelHeld;
      return "<code>final_answer(1)</code>";
    });
    // Built with executorType "local": a sandbox would be started if the step asked for one.
    await using agent = new CodeAgent({ tools: [], model, verbosityLevel: LogLevel.OFF });
    const session = agent.session();
    const run = session.run("One");
    // Closed while the model writes step 1: the sandbox booting for the run is stopped.
    await modelWasCalled;
    await session.close();
    releaseModel();

    const error = await run.catch((caught: unknown) => caught);
    expect(AgentInterruptedError.isInstance(error)).toBe(true);
    const step = session.memory.steps.find((entry) => entry.type === "action");
    expect(step?.type === "action" && step.error?.message).toMatch(/closed/);
  });
});
