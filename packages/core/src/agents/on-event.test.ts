import { ScriptedModel } from "@smol/testing";
import { describe, expect, it } from "vitest";
import { AgentLogger, LogLevel } from "../logging/index.js";
import { answer, callTool, makeWeatherTool, quiet } from "./__tests__/fixtures.js";
import type { ObservedEvent, RunEvent } from "./events.js";
import { ToolCallingAgent } from "./tool-calling-agent.js";

describe("agent.onEvent", () => {
  it("sees the stream's events, in order and with their ids, plus the model calls around each step", async () => {
    const model = new ScriptedModel([callTool("get_weather", { city: "Paris" }), answer("sunny")]);
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool()], model, ...quiet });
    const observed: ObservedEvent[] = [];
    agent.onEvent((event) => {
      observed.push(event);
    });

    const streamed: RunEvent[] = [];
    for await (const event of agent.run("Weather?", { stream: true })) streamed.push(event);

    // The stream is unchanged: no detail event in it.
    expect(streamed.map((event) => event.type)).not.toContain("model-call-start");
    // The listener saw the same events in the same order, with the model calls and outputs between.
    expect(observed.filter((event) => !event.type.startsWith("model-"))).toEqual(streamed);
    expect(observed.map((event) => event.type).slice(0, 6)).toEqual([
      "run-start",
      "step-start",
      "model-call-start",
      "model-call-end",
      "model-output",
      "tool-call",
    ]);
    expect(observed.filter((event) => event.type === "model-call-end")).toHaveLength(2);
    const runId = streamed[0]!.runId;
    for (const event of observed) expect(event).toMatchObject({ runId, sessionId: agent.defaultSession.id });
    const end = observed.find((event) => event.type === "model-call-end");
    expect(end?.type === "model-call-end" && end.message?.tokenUsage).toEqual({
      inputTokens: 100,
      outputTokens: 20,
    });
  });

  it("reports a failed model call, a failed tool call's error, and stops once removed", async () => {
    const failing = new ScriptedModel([callTool("no_such_tool", {}), new Error("boom")]);
    const agent = new ToolCallingAgent({ tools: [], model: failing, ...quiet });
    const observed: ObservedEvent[] = [];
    const remove = agent.onEvent((event) => {
      observed.push(event);
    });

    await expect(agent.run("Go")).rejects.toThrow(/boom/);
    const toolOutput = observed.find((event) => event.type === "tool-output");
    expect(toolOutput?.type === "tool-output" && toolOutput.error).toBeInstanceOf(Error);
    const ends = observed.filter((event) => event.type === "model-call-end");
    expect(ends.map((event) => event.type === "model-call-end" && event.error !== undefined)).toEqual([
      false,
      true,
    ]);

    remove();
    const count = observed.length;
    await agent.run("Again").catch(() => undefined);
    expect(observed.length).toBe(count);
  });

  it("keeps the run going when a listener throws or rejects, and logs it", async () => {
    const logged: string[] = [];
    const logger = new AgentLogger({ level: LogLevel.OFF });
    logger.logError = (message: string) => {
      logged.push(message);
    };
    const agent = new ToolCallingAgent({
      tools: [],
      model: new ScriptedModel([answer(4)]),
      logger,
      ...quiet,
    });
    agent.onEvent(() => {
      throw new Error("listener bug");
    });
    agent.onEvent(async (event) => {
      if (event.type === "run-end") throw new Error("async listener bug");
    });

    expect(await agent.run("2 + 2?")).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(logged.some((message) => message.includes("listener bug"))).toBe(true);
    expect(logged.some((message) => message.includes("async listener bug"))).toBe(true);
  });
});
