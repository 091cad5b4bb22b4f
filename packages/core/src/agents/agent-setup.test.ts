import {
  AgentConfigurationError,
  AgentError,
  AgentLogger,
  FinalAnswerTool,
  LogLevel,
  MissingPackageError,
  PromptTemplateError,
  registerBaseTools,
  ToolCallingAgent,
  ToolDefinitionError,
  tool,
} from "@smol/core";
import { ScriptedModel } from "@smol/testing";
import { afterEach, describe, expect, it } from "vitest";
import { answer, callTool, deferred, makeWeatherTool, quiet } from "./__tests__/fixtures.js";

const model = () => new ScriptedModel([]);

describe("building an agent", () => {
  it("adds final_answer, unless a tool of that name is given", async () => {
    expect(
      Object.keys(new ToolCallingAgent({ tools: [makeWeatherTool()], model: model(), ...quiet }).tools),
    ).toEqual(["get_weather", "final_answer"]);

    const custom = tool(
      {
        name: "final_answer",
        description: "Answers in upper case.",
        inputs: { answer: { type: "string", description: "The answer." } },
        outputType: "string",
      },
      async ({ answer: text }) => text.toUpperCase(),
    );
    const agent = new ToolCallingAgent({
      tools: [custom],
      model: new ScriptedModel([answer("paris")]),
      ...quiet,
    });
    expect(agent.tools.final_answer).toBe(custom);
    await expect(agent.run("Capital?")).resolves.toBe("PARIS");
  });

  it("rejects two tools, or a tool and a managed agent, with the same name", () => {
    expect(
      () => new ToolCallingAgent({ tools: [makeWeatherTool(), makeWeatherTool()], model: model() }),
    ).toThrow(/used more than once: get_weather/);
    const worker = new ToolCallingAgent({
      tools: [],
      model: model(),
      name: "get_weather",
      description: "x",
      ...quiet,
    });
    expect(
      () => new ToolCallingAgent({ tools: [makeWeatherTool()], model: model(), managedAgents: [worker] }),
    ).toThrow(AgentConfigurationError);
  });

  it("requires a name and a description of managed agents, and a valid name", () => {
    const unnamed = new ToolCallingAgent({ tools: [], model: model(), ...quiet });
    expect(() => new ToolCallingAgent({ tools: [], model: model(), managedAgents: [unnamed] })).toThrow(
      /needs a name and a description/,
    );
    expect(() => new ToolCallingAgent({ tools: [], model: model(), name: "web-agent" })).toThrow(
      /not a valid identifier/,
    );
    expect(() => new ToolCallingAgent({ tools: [], model: model(), name: "class" })).toThrow(
      /not a valid identifier/,
    );
  });

  it("validates each tool when it is built", () => {
    class BrokenTool extends FinalAnswerTool {
      override name = "not valid!";
    }
    expect(() => new ToolCallingAgent({ tools: [new BrokenTool()], model: model() })).toThrow(
      ToolDefinitionError,
    );
    expect(() => new ToolCallingAgent({ tools: [{ name: "x" } as never], model: model() })).toThrow(
      /tools\[0\] is not a tool/,
    );
  });

  it("rejects bad numbers and a missing model", () => {
    expect(() => new ToolCallingAgent({ tools: [], model: model(), maxSteps: 0 })).toThrow(
      /maxSteps must be/,
    );
    expect(() => new ToolCallingAgent({ tools: [], model: model(), planningInterval: 1.5 })).toThrow(
      /planningInterval/,
    );
    expect(() => new ToolCallingAgent({ tools: [], model: model(), maxToolThreads: 0 })).toThrow(
      /maxToolThreads/,
    );
    expect(() => new ToolCallingAgent({ tools: [] } as never)).toThrow(/needs a model/);
  });

  it("refuses a second run while one is going on", async () => {
    const release = deferred();
    const scripted = new ScriptedModel(async () => {
      await release.promise;
      return answer("done");
    });
    const agent = new ToolCallingAgent({ tools: [], model: scripted, ...quiet });
    const first = agent.run("First");
    await expect(agent.run("Second")).rejects.toThrow(/already running/);
    release.resolve();
    await expect(first).resolves.toBe("done");
  });

  it("describes itself without secrets", () => {
    const agent = new ToolCallingAgent({
      tools: [makeWeatherTool()],
      model: model(),
      instructions: "Be brief.",
      planningInterval: 3,
      ...quiet,
    });
    const dict = agent.toDict();
    expect(dict).toMatchObject({
      class: "ToolCallingAgent",
      model: { class: "ScriptedModel", data: { modelId: "scripted-model" } },
      maxSteps: 20,
      planningInterval: 3,
      instructions: "Be brief.",
    });
    expect((dict.tools as { name: string }[]).map((entry) => entry.name)).toEqual([
      "get_weather",
      "final_answer",
    ]);
    expect(() => JSON.stringify(dict)).not.toThrow();
  });
});

describe("base tools", () => {
  afterEach(() => registerBaseTools(undefined));

  it("names the package to install when no toolkit registered them", () => {
    let error: unknown;
    try {
      new ToolCallingAgent({ tools: [], model: model(), addBaseTools: true });
    } catch (caught) {
      error = caught;
    }
    expect(MissingPackageError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("@smol/tools-toolkit");
  });

  it("adds the registered base tools, the user's tools winning on a name", () => {
    const requests: boolean[] = [];
    const mine = makeWeatherTool();
    registerBaseTools(({ codeAgent }) => {
      requests.push(codeAgent);
      const base = tool(
        {
          name: "web_search",
          description: "Searches.",
          inputs: { query: { type: "string", description: "q" } },
          outputType: "string",
        },
        async () => "",
      );
      return [base, makeWeatherTool()];
    });
    const agent = new ToolCallingAgent({ tools: [mine], model: model(), addBaseTools: true, ...quiet });
    expect(Object.keys(agent.tools)).toEqual(["get_weather", "web_search", "final_answer"]);
    expect(agent.tools.get_weather).toBe(mine);
    expect(requests).toEqual([false]);
  });
});

describe("prompt templates", () => {
  it("override a template by key", async () => {
    const scripted = new ScriptedModel([callTool("get_weather", { city: "Paris" }), "Sunny."]);
    const agent = new ToolCallingAgent({
      tools: [makeWeatherTool()],
      model: scripted,
      maxSteps: 1,
      promptTemplates: {
        systemPrompt: "Custom prompt. Tools:\n{{tools}}",
        finalAnswer: { postMessages: "Answer now, briefly: {{task}}" },
      },
      ...quiet,
    });
    expect(agent.systemPrompt).toMatch(/^Custom prompt\. Tools:\nget_weather/);
    await agent.run("Weather?");
    expect(scripted.calls[1]!.messages.at(-1)!.content).toBe("Answer now, briefly: Weather?");
    // The other templates keep their defaults.
    expect(agent.promptTemplates.finalAnswer.preMessages).toContain("ran out of steps");
  });

  it("reject an unknown key, naming the valid ones", () => {
    expect(
      () =>
        new ToolCallingAgent({
          tools: [],
          model: model(),
          promptTemplates: { planing: { initialPlan: "x" } } as never,
        }),
    ).toThrow(/Unknown prompt template "planing"[\s\S]*planning\.initialPlan/);
    expect(
      () =>
        new ToolCallingAgent({
          tools: [],
          model: model(),
          promptTemplates: { planning: { initial: "x" } } as never,
        }),
    ).toThrow(PromptTemplateError);
  });

  it("reject a placeholder that has no value when the run starts", async () => {
    const agent = new ToolCallingAgent({
      tools: [],
      model: new ScriptedModel([answer(1)]),
      promptTemplates: { systemPrompt: "Tools: {{toolz}}" },
      ...quiet,
    });
    await expect(agent.run("?")).rejects.toThrow(/uses \{\{toolz\}\}, but no value is given[\s\S]*tools/);
  });
});

describe("console output", () => {
  it("prints the run panel, a rule per step, tool calls, observations, the answer and footers", async () => {
    const printed: string[] = [];
    const logger = new AgentLogger({
      level: LogLevel.INFO,
      output: (text) => void printed.push(text),
      color: false,
    });
    const agent = new ToolCallingAgent({
      tools: [makeWeatherTool()],
      model: new ScriptedModel([callTool("get_weather", { city: "Paris" }), answer("sunny")]),
      logger,
    });
    await agent.run("Weather in Paris?");
    const output = printed.join("");
    expect(output).toContain("New run");
    expect(output).toContain("ScriptedModel - scripted-model");
    expect(output).toContain("Step 1");
    expect(output).toContain("Step 2");
    expect(output).toContain("get_weather");
    expect(output).toContain("Sunny, 21 °C in Paris");
    expect(output).toMatch(/Final answer: sunny/);
    expect(output).toMatch(/\[Step 2: Duration [\d.]+ seconds \| Input tokens: 200 \| Output tokens: 40\]/);
    expect(agent.monitor.getTotalTokenCounts()).toEqual({ inputTokens: 200, outputTokens: 40 });
  });

  it("prints nothing at LogLevel.OFF, errors included", async () => {
    const printed: string[] = [];
    const logger = new AgentLogger({ level: LogLevel.OFF, output: (text) => void printed.push(text) });
    const agent = new ToolCallingAgent({
      tools: [],
      model: new ScriptedModel(["not a call", answer(1)]),
      logger,
    });
    await agent.run("?");
    expect(printed).toEqual([]);
    expect(
      AgentError.isInstance(agent.memory.steps[1]!.type === "action" && agent.memory.steps[1]!.error),
    ).toBe(true);
  });
});
