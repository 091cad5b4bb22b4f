import { type ActionStep, AgentToolExecutionError, messageText, ToolCallingAgent } from "@smol/core";
import { ScriptedModel } from "@smol/testing";
import { describe, expect, it } from "vitest";
import { answer, callTool, makeWeatherTool, quiet } from "./__tests__/fixtures.js";

function makeWebAgent(model: ScriptedModel, options: { provideRunSummary?: boolean } = {}) {
  return new ToolCallingAgent({
    tools: [makeWeatherTool()],
    model,
    name: "web_search_agent",
    description: "Runs web searches for you. Give it your query as an argument.",
    ...options,
    ...quiet,
  });
}

describe("managed agents", () => {
  it("are called like a tool, run the task and report back to the manager", async () => {
    const workerModel = new ScriptedModel([
      callTool("get_weather", { city: "Paris" }),
      answer("Sunny, 21 °C in Paris"),
    ]);
    const worker = makeWebAgent(workerModel);
    const managerModel = new ScriptedModel([
      callTool(
        "web_search_agent",
        { task: "Find the weather in Paris.", additionalArgs: { units: "metric" } },
        "m1",
      ),
      answer("It is sunny in Paris."),
    ]);
    const manager = new ToolCallingAgent({
      tools: [],
      model: managerModel,
      managedAgents: [worker],
      ...quiet,
    });

    await expect(manager.run("What's the weather in Paris?")).resolves.toBe("It is sunny in Paris.");

    expect(manager.managedAgents.web_search_agent).toBe(worker);
    expect(manager.systemPrompt).toContain("web_search_agent");
    expect(manager.systemPrompt).toContain("Runs web searches for you.");
    expect(
      managerModel.calls[0]!.options.toolsToCallFrom?.find((spec) => spec.name === "web_search_agent"),
    ).toMatchObject({
      parameters: {
        properties: { task: { type: "string" }, additionalArgs: { type: ["object", "null"] } },
        required: ["task"],
      },
    });

    // The worker got the task wrapped in the managed-agent prompt, and the arguments in its state.
    const workerTask = messageText(workerModel.calls[0]!.messages[1]!);
    expect(workerTask).toContain("'web_search_agent'");
    expect(workerTask).toContain("Find the weather in Paris.");
    expect(workerTask).toContain('"units":"metric"');
    expect(worker.state.units).toBe("metric");

    // The manager read the report.
    const report = managerModel.calls[1]!.messages.find((message) =>
      messageText(message).startsWith("Call id: m1"),
    );
    expect(messageText(report!)).toContain(
      "Report from your team member 'web_search_agent':\nSunny, 21 °C in Paris",
    );
  });

  it("append a summary of their work with provideRunSummary", async () => {
    const worker = makeWebAgent(
      new ScriptedModel([callTool("get_weather", { city: "Oslo" }), answer("cold")]),
      {
        provideRunSummary: true,
      },
    );
    const managerModel = new ScriptedModel([
      callTool("web_search_agent", { task: "Weather in Oslo?" }),
      answer("cold"),
    ]);
    const manager = new ToolCallingAgent({
      tools: [],
      model: managerModel,
      managedAgents: [worker],
      ...quiet,
    });

    await manager.run("Weather in Oslo?");
    const step = manager.memory.steps.find(
      (memoryStep): memoryStep is ActionStep => memoryStep.type === "action",
    );
    const report = String(step!.toolResults![0]!.output);
    expect(report).toContain("<summary_of_work>");
    expect(report).toContain("Sunny, 21 °C in Oslo");
    expect(report).toContain("</summary_of_work>");
  });

  it("turn a failure of the team member into an observation for the manager", async () => {
    const worker = makeWebAgent(new ScriptedModel([new Error("provider down")]));
    const managerModel = new ScriptedModel([
      callTool("web_search_agent", { task: "Weather?" }),
      answer("unknown"),
    ]);
    const manager = new ToolCallingAgent({
      tools: [],
      model: managerModel,
      managedAgents: [worker],
      ...quiet,
    });

    await expect(manager.run("Weather?")).resolves.toBe("unknown");
    const step = manager.memory.steps.find(
      (memoryStep): memoryStep is ActionStep => memoryStep.type === "action",
    )!;
    expect(AgentToolExecutionError.isInstance(step.error)).toBe(true);
    expect(step.error!.message).toContain("Team member 'web_search_agent' could not complete the request");
    expect(step.error!.message).toContain("provider down");
  });

  it("appear in the manager's description", () => {
    const worker = makeWebAgent(new ScriptedModel([]));
    const manager = new ToolCallingAgent({
      tools: [],
      model: new ScriptedModel([]),
      managedAgents: [worker],
      ...quiet,
    });
    const dict = manager.toDict();
    expect(dict.managedAgents).toEqual([
      expect.objectContaining({ name: "web_search_agent", class: "ToolCallingAgent" }),
    ]);
  });
});
