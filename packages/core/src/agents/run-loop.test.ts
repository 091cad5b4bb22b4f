import {
  type ActionStep,
  type AgentEvent,
  AgentGenerationError,
  AgentInterruptedError,
  AgentMaxStepsError,
  type AgentMemory,
  type FinalAnswerStep,
  type MultiStepAgent,
  messageText,
  type PlanningStep,
  type RunResult,
  ToolCallingAgent,
  tool,
} from "@smol/core";
import { ScriptedModel } from "@smol/testing";
import { describe, expect, it } from "vitest";
import { answer, callTool, deferred, makeWeatherTool, quiet } from "./__tests__/fixtures.js";

function actionSteps(agent: MultiStepAgent): ActionStep[] {
  return agent.memory.steps.filter((step): step is ActionStep => step.type === "action");
}

/** Event types, with runs of stream deltas folded into one entry. */
function eventTypes(events: AgentEvent[]): string[] {
  const types: string[] = [];
  for (const event of events) {
    if (event.type === "stream-delta" && types.at(-1) === "stream-delta*") continue;
    types.push(event.type === "stream-delta" ? "stream-delta*" : event.type);
  }
  return types;
}

async function collect(events: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const collected: AgentEvent[] = [];
  for await (const event of events) collected.push(event);
  return collected;
}

describe("max steps", () => {
  it("asks the model for an answer from memory, and records the error on a last step", async () => {
    const model = new ScriptedModel([
      callTool("get_weather", { city: "Paris" }),
      callTool("get_weather", { city: "Lyon" }),
      "From what I saw: sunny everywhere.",
    ]);
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool()], model, maxSteps: 2, ...quiet });

    const result = (await agent.run("Weather in France?", { returnFullResult: true })) as RunResult;

    expect(result.output).toBe("From what I saw: sunny everywhere.");
    expect(result.state).toBe("max_steps_error");
    const steps = actionSteps(agent);
    expect(steps).toHaveLength(3);
    expect(AgentMaxStepsError.isInstance(steps[2]!.error)).toBe(true);
    expect(steps[2]!.stepNumber).toBe(3);
    const finalRequest = model.calls[2]!;
    expect(finalRequest.options.toolsToCallFrom).toBeUndefined();
    expect(finalRequest.messages[0]!.role).toBe("system");
    expect(messageText(finalRequest.messages[0]!)).toContain("ran out of steps");
    expect(messageText(finalRequest.messages.at(-1)!)).toContain("Weather in France?");
    // The memory (without the system prompt) sits between the two.
    expect(finalRequest.messages.filter((message) => message.role === "system")).toHaveLength(1);
    expect(
      finalRequest.messages.some((message) => messageText(message).includes("Sunny, 21 °C in Lyon")),
    ).toBe(true);
  });

  it("uses the run's maxSteps over the agent's", async () => {
    const model = new ScriptedModel([callTool("get_weather", { city: "Paris" }), "Sunny."]);
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool()], model, maxSteps: 10, ...quiet });
    await expect(agent.run("Weather?", { maxSteps: 1 })).resolves.toBe("Sunny.");
    expect(model.callCount).toBe(2);
  });

  it("reports success when the model answers in time", async () => {
    const agent = new ToolCallingAgent({
      tools: [],
      model: new ScriptedModel([answer(42)]),
      returnFullResult: true,
      ...quiet,
    });
    const result = (await agent.run("The answer?")) as RunResult;
    expect(result).toMatchObject({
      output: 42,
      state: "success",
      tokenUsage: { inputTokens: 100, outputTokens: 20 },
    });
    expect(result.steps.map((step) => step.type)).toEqual(["task", "action"]);
    expect(result.timing.duration).toBeGreaterThanOrEqual(0);
  });

  it("leaves the token usage unknown when a step did not report it", async () => {
    const model = new ScriptedModel([answer(1)], { tokenUsage: null });
    const agent = new ToolCallingAgent({ tools: [], model, ...quiet });
    const result = await agent.run("One?", { returnFullResult: true });
    expect(result.tokenUsage).toBeUndefined();
  });
});

describe("final answer checks", () => {
  it("stores a failed check as the step's error, shows it to the model, and accepts a later answer", async () => {
    const seen: { answer: unknown; steps: number; agent: MultiStepAgent }[] = [];
    const isInteger = (value: unknown, memory: AgentMemory, agent: MultiStepAgent) => {
      seen.push({ answer: value, steps: memory.steps.length, agent });
      return Number.isInteger(Number(value));
    };
    const model = new ScriptedModel([answer("about twenty"), answer("21")]);
    const agent = new ToolCallingAgent({ tools: [], model, finalAnswerChecks: [isInteger], ...quiet });

    await expect(agent.run("Least common multiple of 3 and 7?")).resolves.toBe("21");

    expect(seen.map((call) => call.answer)).toEqual(["about twenty", "21"]);
    expect(seen[0]!.steps).toBe(1); // the task; the step is stored after its checks
    expect(seen[0]!.agent).toBe(agent);
    const [rejected, accepted] = actionSteps(agent);
    expect(rejected!.isFinalAnswer).toBe(false);
    expect(rejected!.error?.message).toContain("'isInteger' rejected the answer \"about twenty\"");
    expect(accepted!.isFinalAnswer).toBe(true);
    expect(model.calls[1]!.messages.map(messageText).join("\n")).toContain("'isInteger' rejected");
  });

  it("treats a check that throws as a failed check", async () => {
    const model = new ScriptedModel([answer("x"), answer("y")]);
    const agent = new ToolCallingAgent({
      tools: [],
      model,
      finalAnswerChecks: [
        async (value) => {
          if (value === "x") throw new Error("x is not allowed");
          return true;
        },
      ],
      ...quiet,
    });
    await expect(agent.run("?")).resolves.toBe("y");
    expect(actionSteps(agent)[0]!.error?.message).toContain("x is not allowed");
  });
});

describe("step callbacks", () => {
  it("calls a list of callbacks after each action step only, with the agent", async () => {
    const calls: [string, number, boolean][] = [];
    const model = new ScriptedModel([
      "1. Look. 2. Answer.",
      callTool("get_weather", { city: "Oslo" }),
      answer("cold"),
    ]);
    const agent: ToolCallingAgent = new ToolCallingAgent({
      tools: [makeWeatherTool()],
      model,
      planningInterval: 5,
      stepCallbacks: [
        (step, callbackAgent) => void calls.push([step.type, step.stepNumber, callbackAgent === agent]),
      ],
      ...quiet,
    });

    await agent.run("Weather in Oslo?");
    expect(calls).toEqual([
      ["action", 1, true],
      ["action", 2, true],
    ]);
  });

  it("dispatches callbacks by step type, awaiting async ones", async () => {
    const order: string[] = [];
    const model = new ScriptedModel(["The plan.", callTool("get_weather", { city: "Oslo" }), answer("cold")]);
    const agent = new ToolCallingAgent({
      tools: [makeWeatherTool()],
      model,
      planningInterval: 10,
      stepCallbacks: {
        planning: (step: PlanningStep) => void order.push(`planning:${step.plan.includes("The plan.")}`),
        action: [
          async (step: ActionStep) => {
            await new Promise((resolve) => setImmediate(resolve));
            order.push(`action:${step.stepNumber}`);
          },
          (step: ActionStep) => void order.push(`action-again:${step.stepNumber}`),
        ],
        finalAnswer: (step: FinalAnswerStep) => void order.push(`final:${String(step.output)}`),
      },
      ...quiet,
    });

    await agent.run("Weather in Oslo?");
    expect(order).toEqual([
      "planning:true",
      "action:1",
      "action-again:1",
      "action:2",
      "action-again:2",
      "final:cold",
    ]);
  });
});

describe("planning", () => {
  it("plans at step 1, then updates the plan every planningInterval steps with the steps left", async () => {
    const model = new ScriptedModel([
      "1. Ask for Paris.\n2. Ask for Rome.\n<end_plan>",
      callTool("get_weather", { city: "Paris" }),
      callTool("get_weather", { city: "Rome" }),
      "1. Answer now.",
      answer("both sunny"),
    ]);
    const agent = new ToolCallingAgent({
      tools: [makeWeatherTool()],
      model,
      planningInterval: 2,
      maxSteps: 6,
      ...quiet,
    });

    await expect(agent.run("Weather in Paris and Rome?")).resolves.toBe("both sunny");

    expect(agent.memory.steps.map((step) => step.type)).toEqual([
      "task",
      "planning",
      "action",
      "action",
      "planning",
      "action",
    ]);
    const initial = model.calls[0]!;
    expect(initial.options.stopSequences).toEqual(["<end_plan>"]);
    expect(initial.messages.map((message) => message.role)).toEqual(["user"]);
    expect(messageText(initial.messages[0]!)).toContain("Weather in Paris and Rome?");
    expect(messageText(initial.messages[0]!)).toContain("get_weather");

    const update = model.calls[3]!;
    expect(update.messages[0]!.role).toBe("system");
    expect(update.messages.at(-1)!.role).toBe("user");
    // Step 3 of 6: four steps are left, this one included.
    expect(messageText(update.messages.at(-1)!)).toContain("You have 4 steps left");
    // Summary mode: no system prompt, no earlier plan, no model output in between.
    const middle = update.messages.slice(1, -1);
    expect(middle.map((message) => message.role)).not.toContain("system");
    expect(middle.map((message) => message.role)).not.toContain("assistant");
    for (const call of model.calls) {
      for (const message of call.messages) expect(messageText(message)).not.toMatch(/\{\{\s*\w+\s*\}\}/);
    }

    const plans = agent.memory.steps.filter((step): step is PlanningStep => step.type === "planning");
    expect(plans[0]!.plan).toContain("2. Ask for Rome.");
    expect(plans[0]!.plan).not.toContain("<end_plan>");
    expect(plans[1]!.plan).toContain("The task is still");
    // The action step after a plan reads it, then the go-ahead.
    const afterPlan = model.calls[1]!.messages.map(messageText);
    expect(afterPlan.at(-2)).toContain("1. Ask for Paris.");
    expect(afterPlan.at(-1)).toContain("carry out this plan");
  });
});

describe("interrupting a run", () => {
  it("stops at the end of the step when a callback interrupts", async () => {
    const model = new ScriptedModel([
      callTool("get_weather", { city: "Paris" }),
      callTool("get_weather", { city: "Rome" }),
      answer("never reached"),
    ]);
    const agent = new ToolCallingAgent({
      tools: [makeWeatherTool()],
      model,
      stepCallbacks: [
        (step, callbackAgent) => (step.stepNumber === 2 ? callbackAgent.interrupt() : undefined),
      ],
      ...quiet,
    });

    const run = agent.run("Weather?");
    await expect(run).rejects.toSatisfy((error) => AgentInterruptedError.isInstance(error));
    expect(actionSteps(agent)).toHaveLength(2);
    expect(model.callCount).toBe(2);
  });

  it("stops at the end of the step when interrupted from elsewhere", async () => {
    const modelCalled = deferred();
    const release = deferred();
    const model = new ScriptedModel(async (_messages, _options, callIndex) => {
      if (callIndex === 0) {
        modelCalled.resolve();
        await release.promise;
        return callTool("get_weather", { city: "Paris" });
      }
      return answer("never reached");
    });
    const cities: string[] = [];
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool(cities)], model, ...quiet });

    const run = agent.run("Weather?");
    await modelCalled.promise;
    agent.interrupt();
    release.resolve();

    await expect(run).rejects.toSatisfy((error) => AgentInterruptedError.isInstance(error));
    // The step in progress finished: its tool ran and it is in memory.
    expect(cities).toEqual(["Paris"]);
    expect(actionSteps(agent)).toHaveLength(1);
    expect(model.callCount).toBe(1);
    // A new run starts afresh.
    await expect(agent.run("Again?")).resolves.toBe("never reached");
  });

  it("aborts through the run's signal, cancelling the model call in flight", async () => {
    const controller = new AbortController();
    const modelCalled = deferred();
    const model = new ScriptedModel(async (_messages, options) => {
      modelCalled.resolve();
      await new Promise((_resolve, reject) =>
        options.signal?.addEventListener("abort", () => reject(options.signal?.reason)),
      );
      return answer("never");
    });
    const agent = new ToolCallingAgent({ tools: [], model, ...quiet });

    const run = agent.run("Slow?", { signal: controller.signal });
    await modelCalled.promise;
    controller.abort(new Error("user left"));

    const error = await run.catch((caught: unknown) => caught);
    expect(AgentInterruptedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("user left");
    expect(actionSteps(agent)[0]!.error).toBe(error);
  });

  it("passes the signal on to the tools, and stops after the step", async () => {
    const controller = new AbortController();
    const toolStarted = deferred();
    let toolSawAbort = false;
    const slowTool = tool(
      { name: "slow", description: "Waits until aborted.", inputs: {}, outputType: "string" },
      async (_args, options) => {
        toolStarted.resolve();
        await new Promise((resolve) => options.signal?.addEventListener("abort", resolve));
        toolSawAbort = true;
        throw new Error("aborted");
      },
    );
    const model = new ScriptedModel([callTool("slow"), answer("never")]);
    const agent = new ToolCallingAgent({ tools: [slowTool], model, ...quiet });

    const run = agent.run("Slow tool", { signal: controller.signal });
    await toolStarted.promise;
    controller.abort();
    await expect(run).rejects.toSatisfy((error) => AgentInterruptedError.isInstance(error));
    expect(toolSawAbort).toBe(true);
    expect(model.callCount).toBe(1);
    expect(actionSteps(agent)).toHaveLength(1);
  });

  it("does not start when the signal is already aborted", async () => {
    const model = new ScriptedModel([answer("x")]);
    const agent = new ToolCallingAgent({ tools: [], model, ...quiet });
    await expect(agent.run("?", { signal: AbortSignal.abort() })).rejects.toSatisfy((error) =>
      AgentInterruptedError.isInstance(error),
    );
    expect(model.callCount).toBe(0);
  });
});

describe("a model that fails", () => {
  it("ends the run with AgentGenerationError, keeping the cause and the step", async () => {
    const failure = new Error("connection reset");
    const model = new ScriptedModel([callTool("get_weather", { city: "Paris" }), failure]);
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool()], model, ...quiet });

    const error = await agent.run("Weather?").catch((caught: unknown) => caught);
    expect(AgentGenerationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("connection reset");
    expect((error as Error).cause).toBe(failure);
    expect(actionSteps(agent)).toHaveLength(2);
    expect(actionSteps(agent)[1]!.error).toBe(error);
  });

  it("rejects a streamed run the same way, after the events so far", async () => {
    const model = new ScriptedModel([callTool("get_weather", { city: "Paris" }), new Error("boom")]);
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool()], model, ...quiet });
    const types: string[] = [];
    const error = await (async () => {
      for await (const event of agent.run("Weather?", { stream: true })) types.push(event.type);
    })().catch((caught: unknown) => caught);
    expect(AgentGenerationError.isInstance(error)).toBe(true);
    expect(types).toEqual([
      "run-start",
      "step-start",
      "tool-call",
      "tool-output",
      "action-output",
      "action-step",
      "step-start",
      "action-step",
      "run-end",
    ]);
  });
});

describe("streaming", () => {
  it("yields the events of each step in order, the final answer last", async () => {
    const model = new ScriptedModel([
      "Plan: look, then answer.",
      {
        toolCalls: [
          { name: "get_weather", arguments: { city: "Paris" } },
          { name: "get_weather", arguments: { city: "Rome" } },
        ],
      },
      answer("sunny"),
    ]);
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool()], model, planningInterval: 5, ...quiet });

    const events = await collect(agent.run("Weather?", { stream: true }));
    expect(eventTypes(events)).toEqual([
      "run-start",
      "planning-step",
      "step-start",
      "tool-call",
      "tool-call",
      "tool-output",
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
    const answerEvent = events.at(-2)!;
    expect(answerEvent.type === "final-answer" && answerEvent.output).toBe("sunny");
    const finalOutput = events.findLast((event) => event.type === "action-output");
    expect(finalOutput).toMatchObject({ output: "sunny", isFinalAnswer: true });
  });

  it("adds the model's deltas with streamOutputs, for the plan and for each step", async () => {
    const model = new ScriptedModel([
      "Plan: answer.",
      { content: "Answering.", toolCalls: [{ name: "final_answer", arguments: { answer: 1 } }] },
    ]);
    const agent = new ToolCallingAgent({
      tools: [],
      model,
      planningInterval: 5,
      streamOutputs: true,
      ...quiet,
    });

    const events = await collect(agent.run("One?", { stream: true }));
    expect(eventTypes(events)).toEqual([
      "run-start",
      "stream-delta*",
      "planning-step",
      "step-start",
      "stream-delta*",
      "tool-call",
      "tool-output",
      "action-output",
      "action-step",
      "final-answer",
      "run-end",
    ]);
  });
});

describe("memory", () => {
  it("writes the memory as messages: system prompt, task, outputs, calls, observations, errors", async () => {
    const model = new ScriptedModel([
      {
        content: "Checking Paris.",
        toolCalls: [{ id: "c1", name: "get_weather", arguments: { city: "Paris" } }],
      },
      "no JSON here",
      answer("sunny"),
    ]);
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool()], model, ...quiet });
    await agent.run("Weather in Paris?");

    const messages = agent.writeMemoryToMessages();
    expect(messages.map((message) => message.role)).toEqual([
      "system",
      "user",
      "assistant",
      "tool-call",
      "tool-response",
      "assistant",
      "tool-response",
      "tool-call",
      "tool-response",
    ]);
    const text = messages.map(messageText);
    expect(text[0]).toBe(agent.systemPrompt);
    expect(text[1]).toBe("New task:\nWeather in Paris?");
    expect(text[2]).toBe("Checking Paris.");
    expect(JSON.parse(text[3]!.replace("Calling tools:\n", ""))).toEqual([
      { id: "c1", type: "function", function: { name: "get_weather", arguments: { city: "Paris" } } },
    ]);
    expect(text[4]).toBe("Call id: c1\nObservation:\nSunny, 21 °C in Paris");
    expect(text[5]).toBe("no JSON here");
    expect(text[6]).toMatch(/^Error:\nYour reply contains no tool call[\s\S]*Try again/);
    expect(text[8]).toMatch(/^Call id: call_2_0\nObservation:\nsunny$/);

    const summary = agent.writeMemoryToMessages(true);
    expect(summary.map((message) => message.role)).toEqual([
      "user",
      "tool-call",
      "tool-response",
      "tool-response",
      "tool-call",
      "tool-response",
    ]);
  });

  it("gives the task's images to the model with the task", async () => {
    const image = { type: "image" as const, image: "https://example.com/cat.png" };
    const model = new ScriptedModel([answer("a cat")]);
    const agent = new ToolCallingAgent({ tools: [], model, ...quiet });
    await agent.run("What is in the picture?", { images: [image] });
    expect(model.calls[0]!.messages[1]).toEqual({
      role: "user",
      content: [{ type: "text", text: "New task:\nWhat is in the picture?" }, image],
    });
  });

  it("continues the conversation with reset: false, and starts afresh by default", async () => {
    const model = new ScriptedModel([answer("Paris"), answer("Rome"), answer("Berlin")]);
    const agent = new ToolCallingAgent({ tools: [], model, ...quiet });

    await agent.run("Capital of France?");
    await agent.run("And of Italy?", { reset: false });
    const continued = model.calls[1]!.messages.map(messageText);
    expect(continued).toContain("New task:\nCapital of France?");
    expect(continued.at(-1)).toBe("New task:\nAnd of Italy?");
    expect(agent.memory.steps.filter((step) => step.type === "task")).toHaveLength(2);

    await agent.run("And of Germany?");
    const fresh = model.calls[2]!.messages.map(messageText);
    expect(fresh).not.toContain("New task:\nCapital of France?");
    expect(fresh).toHaveLength(2);
  });

  it("gives the steps as plain data in logs, and replays them", async () => {
    const model = new ScriptedModel([callTool("get_weather", { city: "Paris" }), answer("sunny")]);
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool()], model, ...quiet });
    await agent.run("Weather?");

    const logs = agent.logs;
    expect(logs.map((step) => step.type)).toEqual(["system-prompt", "task", "action", "action"]);
    const roundTrip = JSON.parse(JSON.stringify(logs));
    expect(roundTrip[2]).toMatchObject({
      stepNumber: 1,
      toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }],
    });
    expect(roundTrip[2].modelInputMessages).toHaveLength(2);
    expect(agent.memory.getSuccinctSteps()[1]).not.toHaveProperty("modelInputMessages");

    const printed: string[] = [];
    const { AgentLogger, LogLevel } = await import("@smol/core");
    agent.memory.replay(new AgentLogger({ level: LogLevel.INFO, output: (text) => void printed.push(text) }));
    const output = printed.join("");
    expect(output).toContain("Weather?");
    expect(output).toContain("Step 2");
    expect(output).toContain("get_weather");
  });
});
