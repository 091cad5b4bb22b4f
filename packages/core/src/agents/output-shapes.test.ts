/**
 * The messy outputs real models write, end to end through the public API: a CodeAgent on its
 * default executor (the local sandbox, real Python) and a ToolCallingAgent with real tools, both
 * driven by a scripted model. The parsers' own cases are in code-parsing.test.ts and
 * tool-call-parsing.test.ts.
 */
import {
  type ActionStep,
  AgentParsingError,
  CodeAgent,
  LogLevel,
  type MultiStepAgent,
  ToolCallingAgent,
  tool,
} from "@smol/core";
import { ScriptedModel } from "@smol/testing";
import { describe, expect, it } from "vitest";

function actionSteps(agent: MultiStepAgent): ActionStep[] {
  return agent.memory.steps.filter((step): step is ActionStep => step.type === "action");
}

function codeAgent(replies: string[]): CodeAgent {
  return new CodeAgent({ tools: [], model: new ScriptedModel(replies), verbosityLevel: LogLevel.OFF });
}

describe("CodeAgent on messy outputs", () => {
  it("runs a fence left open at the end and an indented block", async () => {
    await using agent = codeAgent([
      "Thought: square it.\nCode:\n```py\nsquare = 12 ** 2\nprint(square)\n",
      "  Thought: answer.\n\n    ```py\n    if square > 100:\n        final_answer(square)\n    ```\n",
    ]);
    expect(await agent.run("Square 12.")).toBe(144);
    const [first, second] = actionSteps(agent);
    expect(first!.codeAction).toBe("square = 12 ** 2\nprint(square)");
    expect(first!.observations).toContain("144");
    expect(second!.codeAction).toBe("if square > 100:\n    final_answer(square)");
  });

  it("runs the fenced code whose string holds a <code> tag, as written", async () => {
    await using agent = codeAgent(['Thought: html.\n```python\nfinal_answer("<code>x</code>".upper())\n```']);
    expect(await agent.run("Shout the tag.")).toBe("<CODE>X</CODE>");
  });

  it("runs nothing for an echo of the format hint and tells the model, which then answers", async () => {
    await using agent = codeAgent([
      "The answer is 5.\n<code>\nfinal_answer(<your answer>)\n</code>",
      "Thought: a real call.\n<code>\nfinal_answer(5)\n</code>",
    ]);
    expect(await agent.run("Give 5.")).toBe(5);
    const [echo] = actionSteps(agent);
    expect(AgentParsingError.isInstance(echo!.error)).toBe(true);
    expect(echo!.error!.message).toMatch(/repeats the example of the format hint/);
    expect(echo!.codeAction).toBeUndefined();
  });

  it("treats comment-only code as no code", async () => {
    await using agent = codeAgent([
      "Thought: later.\n<code>\n# I will compute it next step\n</code>",
      "<code>\nfinal_answer('done')\n</code>",
    ]);
    expect(await agent.run("Do it.")).toBe("done");
    expect(actionSteps(agent)[0]!.error!.message).toMatch(/only comments/);
  });

  it("recovers a bare final_answer line after prose and plain Python after an introduction", async () => {
    await using agent = codeAgent([
      "Here is the computation:\n\nvalues = [3, 4]\ntotal = sum(values)\nprint(total)",
      "<think>It is 7.</think>\nSo the answer is seven:\n\nfinal_answer(total)",
    ]);
    expect(await agent.run("Add 3 and 4.")).toBe(7);
    const [first, second] = actionSteps(agent);
    expect(first!.codeAction).toBe("values = [3, 4]\ntotal = sum(values)\nprint(total)");
    expect(second!.codeAction).toBe("final_answer(total)");
  });

  it("turns recovered prose that Python rejects into the format error, not a run", async () => {
    await using agent = codeAgent([
      "Let me think.\n\nresult = the sum of both numbers\nprint(result)",
      "<code>\nfinal_answer(2)\n</code>",
    ]);
    expect(await agent.run("Add 1 and 1.")).toBe(2);
    const [first] = actionSteps(agent);
    expect(AgentParsingError.isInstance(first!.error)).toBe(true);
    expect(first!.error!.message).toMatch(/No code found in your output/);
  });

  it("unwraps tagged code in the JSON of structured outputs", async () => {
    await using agent = new CodeAgent({
      tools: [],
      model: new ScriptedModel(['{"thought": "go", "code": "<code>\\nfinal_answer(3 * 3)\\n</code>"}']),
      verbosityLevel: LogLevel.OFF,
      useStructuredOutputsInternally: true,
    });
    expect(await agent.run("Nine.")).toBe(9);
    expect(actionSteps(agent)[0]!.codeAction).toBe("final_answer(3 * 3)");
  });
});

describe("ToolCallingAgent on JSON written in text", () => {
  function weatherAgent(replies: string[]) {
    const cities: string[] = [];
    const weather = tool(
      {
        name: "get_weather",
        description: "The weather in a city.",
        inputs: {
          city: { type: "string", description: "The city." },
          celsius: { type: "boolean", description: "Degrees Celsius.", nullable: true },
        },
        outputType: "string",
      },
      async ({ city, celsius }) => {
        cities.push(city);
        return `${city}: ${celsius === false ? "61 °F" : "16 °C"}`;
      },
    );
    const agent = new ToolCallingAgent({
      tools: [weather],
      model: new ScriptedModel(replies),
      verbosityLevel: LogLevel.OFF,
    });
    return { agent, cities };
  }

  it("runs calls written with action / action_input, as a Python list, and with trailing prose", async () => {
    const { agent, cities } = weatherAgent([
      'Action:\n```json\n{"action": "get_weather", "action_input": {"city": "Oslo"}}\n```\nObservation: sunny (invented)',
      "Calling tools:\n[{'type': 'function', 'function': {'name': 'get_weather', 'arguments': {'city': 'Rome', 'celsius': False}}}, {'tool_name': 'get_weather', 'tool_arguments': {'city': 'Lima'}}]",
      '{"name": "final_answer", "arguments": {"answer": "done"}}\n\nI am finished.',
    ]);
    expect(await agent.run("Weather in three cities?")).toBe("done");
    expect(cities).toEqual(["Oslo", "Rome", "Lima"]);
    expect(actionSteps(agent)[1]!.observations).toContain("Rome: 61 °F");
  });

  it("runs no call of a list that does not parse, and says why", async () => {
    const { agent, cities } = weatherAgent([
      '[{"name": "get_weather", "arguments": {"city": "Oslo"}}, {"name": "get_weather", "arguments": {"city": }}]',
      '{"name": "final_answer", "arguments": {"answer": "retry"}}',
    ]);
    expect(await agent.run("Weather?")).toBe("retry");
    expect(cities).toEqual([]);
    const [failed] = actionSteps(agent);
    expect(AgentParsingError.isInstance(failed!.error)).toBe(true);
    expect(failed!.error!.message).toMatch(/not valid/);
  });
});
