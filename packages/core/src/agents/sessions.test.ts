/**
 * Sessions and the run's event stream, through the public API: a ToolCallingAgent driven by a
 * scripted model, with real tools. (CodeAgent sessions with real Python are tested in
 * @smol/executor-local, which owns the sandbox.)
 */
import {
  type ActionStep,
  AgentBusyError,
  type AgentContext,
  AgentError,
  AgentGenerationError,
  AgentInterruptedError,
  AgentLogger,
  type AgentSession,
  LogLevel,
  type RunEvent,
  type RunResult,
  ToolCallingAgent,
  tool,
} from "@smol/core";
import { ScriptedModel } from "@smol/testing";
import { describe, expect, it } from "vitest";
import { answer, callTool, deferred, makeWeatherTool, quiet } from "./__tests__/fixtures.js";

async function collect(events: AsyncIterable<RunEvent>): Promise<{ events: RunEvent[]; error?: unknown }> {
  const collected: RunEvent[] = [];
  try {
    for await (const event of events) collected.push(event);
  } catch (error) {
    return { events: collected, error };
  }
  return { events: collected };
}

function types(events: RunEvent[]): string[] {
  return events.map((event) => event.type);
}

function runEnd(events: RunEvent[]): RunResult {
  const last = events.at(-1)!;
  if (last.type !== "run-end") throw new Error(`the last event is ${last.type}, not run-end`);
  return last.result;
}

/** The last task the model reads ("New task:\n…"). */
function taskOf(messages: { role: string; content: unknown }[]): string {
  const user = messages.findLast((message) => message.role === "user");
  return typeof user?.content === "string" ? user.content : JSON.stringify(user?.content);
}

describe("the default session", () => {
  it("is what agent.run, agent.memory, agent.state and reset: false act on, as before sessions", async () => {
    const model = new ScriptedModel([answer("one"), answer("two")]);
    const agent = new ToolCallingAgent({ tools: [], model, ...quiet });

    expect(await agent.run("First", { additionalArgs: { colour: "blue" } })).toBe("one");
    expect(await agent.run("Second", { reset: false })).toBe("two");

    expect(agent.memory).toBe(agent.defaultSession.memory);
    expect(agent.state).toEqual({ colour: "blue" });
    expect(agent.defaultSession.runCount).toBe(2);
    expect(agent.memory.steps.filter((step) => step.type === "task")).toHaveLength(2);
    expect(agent.task).toBe("Second");
    // The second run read the first one's memory.
    expect(JSON.stringify(model.calls[1]!.messages)).toContain("First");
  });
});

describe("sessions", () => {
  it("each have their own memory, state and run counter", async () => {
    const model = new ScriptedModel((messages) => answer(`answer to ${taskOf(messages).split("\n")[1]}`));
    const agent = new ToolCallingAgent({ tools: [], model, ...quiet });
    await using first = agent.session();
    await using second = agent.session({ id: "chat-2" });

    expect(await first.run("alpha", { additionalArgs: { who: "first" } })).toBe("answer to alpha");
    expect(await second.run("beta")).toBe("answer to beta");
    expect(await first.run("gamma", { reset: false })).toBe("answer to gamma");

    expect(second.id).toBe("chat-2");
    expect(first.id).not.toBe(second.id);
    expect(first.runCount).toBe(2);
    expect(second.runCount).toBe(1);
    expect(first.state).toEqual({ who: "first" });
    expect(second.state).toEqual({});
    const tasks = (session: AgentSession) =>
      session.memory.steps.flatMap((step) => (step.type === "task" ? [step.task.split("\n")[0]] : []));
    expect(tasks(first)).toEqual(["alpha", "gamma"]);
    expect(tasks(second)).toEqual(["beta"]);
    // The default session saw none of it.
    expect(agent.memory.steps).toHaveLength(0);
    expect(first.writeMemoryToMessages().map((message) => message.role)[0]).toBe("system");
  });

  it("run concurrently without seeing each other's state", async () => {
    const release = deferred();
    const seen: string[] = [];
    const readSecret = tool(
      {
        name: "read_secret",
        description: "Reads the secret from the state.",
        inputs: { key: { type: "string", description: "A state key." } },
        outputType: "string",
      },
      async ({ key }) => {
        await release.promise;
        seen.push(String(key));
        return String(key);
      },
    );
    // The model asks for the state key "secret": the agent substitutes the session's value.
    const model = new ScriptedModel((messages) =>
      messages.some((message) => message.role === "tool-response")
        ? answer("done")
        : callTool("read_secret", { key: "secret" }),
    );
    const agent = new ToolCallingAgent({ tools: [readSecret], model, ...quiet });
    const sessions = Array.from({ length: 5 }, () => agent.session());
    const runs = sessions.map((session, index) =>
      session.run("Read it", { additionalArgs: { secret: `secret-${index}` } }),
    );
    // Every run is now waiting inside its tool call: all five are under way at once.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sessions.every((session) => session.isRunning)).toBe(true);
    release.resolve();
    expect(await Promise.all(runs)).toEqual(["done", "done", "done", "done", "done"]);
    expect(seen.sort()).toEqual(["secret-0", "secret-1", "secret-2", "secret-3", "secret-4"]);
    sessions.forEach((session, index) => {
      expect(session.state).toEqual({ secret: `secret-${index}` });
    });
    await agent.cleanup();
    expect(sessions.every((session) => session.isClosed)).toBe(true);
  });

  it("refuse a second run with AgentBusyError, leaving the running one undisturbed", async () => {
    const hold = deferred();
    const slowTool = tool(
      { name: "slow", description: "Takes its time.", inputs: {}, outputType: "string" },
      async () => {
        await hold.promise;
        return "finished";
      },
    );
    const model = new ScriptedModel([callTool("slow"), answer("first answer"), answer("after")]);
    const agent = new ToolCallingAgent({ tools: [slowTool], model, ...quiet });
    const session = agent.session();

    const running = session.run("Slow task");
    const second = session.run("Another task");
    const error = await second.catch((caught: unknown) => caught);
    expect(AgentBusyError.isInstance(error)).toBe(true);
    // Still an AgentError, as the refusal was before sessions.
    expect(AgentError.isInstance(error)).toBe(true);
    expect((error as AgentBusyError).sessionId).toBe(session.id);
    // A streamed second run is refused the same way, before any event.
    const streamed = await collect(session.run("Streamed", { stream: true }));
    expect(streamed.events).toEqual([]);
    expect(AgentBusyError.isInstance(streamed.error)).toBe(true);

    hold.resolve();
    expect(await running).toBe("first answer");
    expect(session.memory.steps.filter((step) => step.type === "task")).toHaveLength(1);
    expect(session.task).toBe("Slow task");
    expect(model.callCount).toBe(2);
    // Once the run ended, the session runs again.
    expect(await session.run("Later")).toBe("after");
  });

  it("refuse a second agent.run on the default session too", async () => {
    const hold = deferred();
    const model = new ScriptedModel(async () => {
      await hold.promise;
      return answer("ok");
    });
    const agent = new ToolCallingAgent({ tools: [], model, ...quiet });
    const running = agent.run("One");
    await expect(agent.run("Two")).rejects.toSatisfy((error) => AgentBusyError.isInstance(error));
    hold.resolve();
    expect(await running).toBe("ok");
  });

  it("stop at the end of the step with session.interrupt(), and only that session", async () => {
    const hold = deferred();
    const waitTool = tool(
      { name: "wait", description: "Waits.", inputs: {}, outputType: "string" },
      async () => {
        await hold.promise;
        return "waited";
      },
    );
    const model = new ScriptedModel((messages) =>
      messages.some((message) => message.role === "tool-response") ? answer("done") : callTool("wait"),
    );
    const agent = new ToolCallingAgent({ tools: [waitTool], model, ...quiet });
    const stopped = agent.session();
    const other = agent.session();
    const stoppedRun = collect(stopped.run("Task", { stream: true }));
    const otherRun = other.run("Task");
    await new Promise((resolve) => setTimeout(resolve, 20));
    stopped.interrupt();
    hold.resolve();

    const { events, error } = await stoppedRun;
    expect(AgentInterruptedError.isInstance(error)).toBe(true);
    expect(types(events)).toEqual([
      "run-start",
      "step-start",
      "tool-call",
      "tool-output",
      "action-output",
      "action-step",
      "run-end",
    ]);
    const result = runEnd(events);
    expect(result.state).toBe("error");
    expect(result.error).toBe(error);
    expect(await otherRun).toBe("done");
  });

  it("cannot run once closed", async () => {
    const agent = new ToolCallingAgent({ tools: [], model: new ScriptedModel([answer(1)]), ...quiet });
    const session = agent.session();
    await session.close();
    await session.close();
    expect(session.isClosed).toBe(true);
    await expect(session.run("Task")).rejects.toThrow(/closed/);
  });
});

describe("checks and callbacks", () => {
  it("receive the session's AgentContext: its memory, state, task and step number", async () => {
    const seen: { stepNumber: number; task: string | undefined; steps: number; state: unknown }[] = [];
    let checkedMemory: unknown;
    let checkedContext: AgentContext | undefined;
    const model = new ScriptedModel([callTool("get_weather", { city: "Paris" }), answer("sunny")]);
    const agent = new ToolCallingAgent({
      tools: [makeWeatherTool()],
      model,
      name: "weather_agent",
      stepCallbacks: [
        (step: ActionStep, context: AgentContext) => {
          seen.push({
            stepNumber: context.stepNumber,
            task: context.task,
            steps: context.memory.steps.length,
            state: { ...context.state },
          });
          expect(step.stepNumber).toBe(context.stepNumber);
        },
      ],
      finalAnswerChecks: [
        (_answer, memory, context) => {
          checkedMemory = memory;
          checkedContext = context;
          return true;
        },
      ],
      ...quiet,
    });
    await using session = agent.session();
    await session.run("Weather?", { additionalArgs: { unit: "celsius" } });

    expect(seen.map((entry) => entry.stepNumber)).toEqual([1, 2]);
    expect(seen[0]!.task).toContain("Weather?");
    // Called before the step is added to memory: the task, then step 1.
    expect(seen.map((entry) => entry.steps)).toEqual([1, 2]);
    expect(seen[0]!.state).toEqual({ unit: "celsius" });
    expect(checkedMemory).toBe(session.memory);
    expect(checkedContext!.memory).toBe(session.memory);
    expect(checkedContext!.name).toBe("weather_agent");
    expect(Object.keys(checkedContext!.tools)).toEqual(["get_weather", "final_answer"]);
    // The default session was not touched.
    expect(agent.memory.steps).toHaveLength(0);
  });
});

describe("managed agents", () => {
  it("run in a session of their own when the manager runs in a session", async () => {
    const hold = deferred();
    let helperCalls = 0;
    const helperModel = new ScriptedModel(async (messages) => {
      helperCalls += 1;
      if (helperCalls === 1) await hold.promise;
      return answer(`helped with ${taskOf(messages).includes("first") ? "first" : "second"}`);
    });
    const helper = new ToolCallingAgent({
      tools: [],
      model: helperModel,
      name: "helper",
      description: "Helps.",
      ...quiet,
    });
    const managerModel = new ScriptedModel((messages) => {
      const response = messages.find((message) => message.role === "tool-response");
      if (response) return answer(String(response.content));
      const which = taskOf(messages).includes("first") ? "first" : "second";
      return callTool("helper", { task: `the ${which} job` });
    });
    const manager = new ToolCallingAgent({
      tools: [],
      model: managerModel,
      managedAgents: [helper],
      ...quiet,
    });
    const first = manager.session();
    const second = manager.session();

    // Two sessions of the manager call the same managed agent at the same time: each reaches
    // its own session of it, so neither is refused as busy.
    const firstRun = first.run("Do the first job");
    await new Promise((resolve) => setTimeout(resolve, 20));
    const secondRun = second.run("Do the second job");
    await new Promise((resolve) => setTimeout(resolve, 20));
    hold.resolve();
    const [firstAnswer, secondAnswer] = await Promise.all([firstRun, secondRun]);
    expect(String(firstAnswer)).toContain("helped with first");
    expect(String(secondAnswer)).toContain("helped with second");
    expect(helper.memory.steps).toHaveLength(0);
    await first.close();
    await second.close();
  });
});

describe("the event stream", () => {
  it("starts with run-start and ends with final-answer then run-end, every event stamped", async () => {
    const model = new ScriptedModel([callTool("get_weather", { city: "Paris" }), answer("sunny")]);
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool()], model, ...quiet });
    await using session = agent.session();

    const { events, error } = await collect(session.run("Weather?", { stream: true }));
    expect(error).toBeUndefined();
    expect(types(events)).toEqual([
      "run-start",
      "step-start",
      "tool-call",
      "tool-output",
      "action-output",
      "action-step",
      "step-start",
      "tool-call",
      "tool-output",
      "action-output",
      "action-step",
      "final-answer",
      "run-end",
    ]);
    const runId = events[0]!.runId;
    expect(runId).toMatch(/\S/);
    expect(events.every((event) => event.runId === runId && event.sessionId === session.id)).toBe(true);
    expect(events[0]).toMatchObject({ type: "run-start", task: "Weather?" });
    expect(events.filter((event) => event.type === "step-start")).toMatchObject([
      { stepNumber: 1 },
      { stepNumber: 2 },
    ]);
    const result = runEnd(events);
    expect(result).toMatchObject({ state: "success", output: "sunny" });
    expect(result.steps.map((step) => step.type)).toEqual(["task", "action", "action"]);

    // A second run has a run id of its own.
    const again = await collect(agent.run("Again?", { stream: true }));
    expect(again.events[0]!.runId).not.toBe(runId);
    expect(again.events[0]!.sessionId).toBe(agent.defaultSession.id);
  });

  it("ends with run-end carrying the error when the model fails, then throws", async () => {
    const model = new ScriptedModel([callTool("get_weather", { city: "Paris" }), new Error("boom")]);
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool()], model, ...quiet });

    const { events, error } = await collect(agent.run("Weather?", { stream: true }));
    expect(AgentGenerationError.isInstance(error)).toBe(true);
    expect(types(events).slice(-3)).toEqual(["step-start", "action-step", "run-end"]);
    expect(types(events)).not.toContain("final-answer");
    const result = runEnd(events);
    expect(result.state).toBe("error");
    expect(result.error).toBe(error);
    expect(result.output).toBeUndefined();
  });

  it("gives the answer from memory a step of its own after max steps, then final-answer and run-end", async () => {
    const model = new ScriptedModel([callTool("get_weather", { city: "Paris" }), "Sunny, from memory."]);
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool()], model, maxSteps: 1, ...quiet });

    const { events } = await collect(agent.run("Weather?", { stream: true }));
    expect(types(events)).toEqual([
      "run-start",
      "step-start",
      "tool-call",
      "tool-output",
      "action-output",
      "action-step",
      "step-start",
      "action-step",
      "final-answer",
      "run-end",
    ]);
    expect(events[6]).toMatchObject({ stepNumber: 2 });
    expect(runEnd(events)).toMatchObject({ state: "max_steps_error", output: "Sunny, from memory." });
  });
});

describe("a reader that stops early", () => {
  it("frees the session and closes the step it was reading", async () => {
    let stepClosed = false;
    class ProbedAgent extends ToolCallingAgent {
      protected override async *stepStream(
        ...args: Parameters<ToolCallingAgent["stepStream"]>
      ): ReturnType<ToolCallingAgent["stepStream"]> {
        try {
          return yield* super.stepStream(...args);
        } finally {
          stepClosed = true;
        }
      }
    }
    const model = new ScriptedModel([callTool("get_weather", { city: "Paris" }), answer("later")]);
    const agent = new ProbedAgent({ tools: [makeWeatherTool()], model, ...quiet });
    const session = agent.session();
    for await (const event of session.run("Weather?", { stream: true })) {
      if (event.type === "tool-call") break;
    }
    expect(stepClosed).toBe(true);
    expect(session.isRunning).toBe(false);
    expect(await session.run("Again")).toBe("later");
  });
});

describe("token usage", () => {
  function printedLogger() {
    let text = "";
    const logger = new AgentLogger({
      level: LogLevel.INFO,
      color: false,
      width: 100,
      output: (chunk) => (text += chunk),
    });
    return { logger, read: () => text };
  }

  /** The token figures of the last step footer printed. */
  function lastFooterTokens(text: string): { inputTokens: number; outputTokens: number } | undefined {
    const footers = [...text.matchAll(/\[Step \d+[^\]]*\]/g)].map((match) => match[0]);
    const last = footers.at(-1);
    const figures = last?.match(/Input tokens: ([\d,]+) \| Output tokens: ([\d,]+)/);
    if (!figures) return undefined;
    return {
      inputTokens: Number(figures[1]!.replaceAll(",", "")),
      outputTokens: Number(figures[2]!.replaceAll(",", "")),
    };
  }

  it("is the same in the last footer, the Monitor and the RunResult", async () => {
    const { logger, read } = printedLogger();
    const model = new ScriptedModel([
      "Plan: look, then answer.",
      {
        toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }],
        tokenUsage: { inputTokens: 1234, outputTokens: 56 },
      },
      {
        toolCalls: [{ name: "final_answer", arguments: { answer: "sunny" } }],
        tokenUsage: { inputTokens: 2000, outputTokens: 7 },
      },
    ]);
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool()], model, planningInterval: 3, logger });
    await using session = agent.session();

    const result = await session.run("Weather?", { returnFullResult: true });
    // The plan used the model's default usage (100 in, 20 out).
    const expected = { inputTokens: 100 + 1234 + 2000, outputTokens: 20 + 56 + 7 };
    expect(result.tokenUsage).toEqual(expected);
    expect(session.monitor.tokenUsage).toEqual(expected);
    expect(session.monitor.getTotalTokenCounts()).toEqual(expected);
    expect(lastFooterTokens(read())).toEqual(expected);
    // The default session's monitor counted nothing.
    expect(agent.monitor.getTotalTokenCounts()).toEqual({ inputTokens: 0, outputTokens: 0 });
  });

  it("is unknown in both the Monitor and the RunResult when a step did not report it", async () => {
    const model = new ScriptedModel([callTool("get_weather", { city: "Paris" }), answer("sunny")], {
      tokenUsage: null,
    });
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool()], model, ...quiet });
    const result = await agent.run("Weather?", { returnFullResult: true });
    expect(result.tokenUsage).toBeUndefined();
    expect(agent.monitor.tokenUsage).toBeUndefined();
    const { events } = await collect(agent.run("Again", { stream: true }));
    expect(runEnd(events).tokenUsage).toBeUndefined();
  });
});
