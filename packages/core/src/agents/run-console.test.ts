/**
 * The console is a subscriber of the run's events: what an agent's steps show (the model's
 * output at debug level, the code and its logs and output, tool calls and their observations)
 * is printed from the events, in the order they happen.
 */
import { AgentLogger, CodeAgent, LogLevel, ToolCallingAgent } from "@smol/core";
import { ScriptedModel } from "@smol/testing";
import { describe, expect, it } from "vitest";
import { python3Executor } from "../executors/__tests__/python3-executor.js";
import { answer, callTool, makeWeatherTool } from "./__tests__/fixtures.js";

function printedLogger(level = LogLevel.DEBUG) {
  let text = "";
  const logger = new AgentLogger({ level, color: false, width: 100, output: (chunk) => (text += chunk) });
  return { logger, read: () => text };
}

/** Where each marker first appears in the text; -1 when it is missing. */
function positions(text: string, markers: string[]): number[] {
  return markers.map((marker) => text.indexOf(marker));
}

function expectInOrder(text: string, markers: string[]): void {
  const found = positions(text, markers);
  expect(Object.fromEntries(markers.map((marker, index) => [marker, found[index]! >= 0]))).toEqual(
    Object.fromEntries(markers.map((marker) => [marker, true])),
  );
  expect([...found].sort((a, b) => a - b)).toEqual(found);
}

describe("the run console", () => {
  it("prints a ToolCallingAgent's step from its events: output, calls, observations, answer", async () => {
    const { logger, read } = printedLogger();
    const model = new ScriptedModel([callTool("get_weather", { city: "Oslo" }), answer("cold")]);
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool()], model, logger });

    await agent.run("Weather in Oslo?");

    expectInOrder(read(), [
      "New run",
      "Step 1",
      "Output message of the LLM:",
      "Calling tool: 'get_weather'",
      "Observations: Sunny, 21 °C in Oslo",
      "[Step 1",
      "Step 2",
      "Calling tool: 'final_answer'",
      "Final answer: cold",
    ]);
  });

  it("prints a CodeAgent's code, its logs and its output between the model's output and the footer", async () => {
    const { logger, read } = printedLogger();
    const model = new ScriptedModel([
      '<code>\nprint("hello from python")\n6 * 7\n</code>',
      '<code>\nfinal_answer("done")\n</code>',
    ]);
    const agent = new CodeAgent({ tools: [], model, logger, executor: python3Executor() });

    await agent.run("Say hello");

    const text = read();
    expectInOrder(text, [
      "New run",
      "Step 1",
      "Output message of the LLM:",
      "Executing parsed code:",
      "Execution logs:",
      "Out: 42",
      "[Step 1",
      "Step 2",
      "Final answer: done",
    ]);
    const logs = text.slice(text.indexOf("Execution logs:"), text.indexOf("Out: 42"));
    expect(logs).toContain("hello from python");
    // The code is printed as code, never as a python_interpreter tool call.
    expect(text).not.toContain("Calling tool: 'python_interpreter'");
  });

  it("hides the model's output at INFO", async () => {
    const { logger, read } = printedLogger(LogLevel.INFO);
    const model = new ScriptedModel([answer("cold")]);
    await new ToolCallingAgent({ tools: [], model, logger }).run("Weather?");
    expect(read()).toContain("Final answer: cold");
    expect(read()).not.toContain("Output message of the LLM:");
  });
});
