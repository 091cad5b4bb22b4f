import "@smol/tools-toolkit";
import { ActionStep, CodeAgent, LogLevel, loadBaseTools, Tool, ToolCallingAgent } from "@smol/core";
import { ScriptedModel, startFakeWebServer } from "@smol/testing";
import { describe, expect, it } from "vitest";
import { baseTools } from "./base-tools.js";
import { PythonInterpreterTool } from "./python-interpreter/python-interpreter-tool.js";
import { VisitWebpageTool } from "./visit-webpage/visit-webpage-tool.js";
import { WebSearchTool } from "./web-search/web-search-tool.js";

describe("addBaseTools after importing @smol/tools-toolkit", () => {
  it("gives a ToolCallingAgent web search, visit webpage and the Python interpreter", () => {
    const agent = new ToolCallingAgent({ tools: [], model: new ScriptedModel([]), addBaseTools: true });
    expect(Object.keys(agent.tools).sort()).toEqual([
      "final_answer",
      "python_interpreter",
      "visit_webpage",
      "web_search",
    ]);
    expect(agent.tools.web_search).toBeInstanceOf(WebSearchTool);
    expect(agent.tools.python_interpreter).toBeInstanceOf(PythonInterpreterTool);
  });

  it("gives a CodeAgent web search and visit webpage, but no interpreter (it runs Python itself)", async () => {
    await using agent = new CodeAgent({ tools: [], model: new ScriptedModel([]), addBaseTools: true });
    expect(Object.keys(agent.tools).sort()).toEqual(["final_answer", "visit_webpage", "web_search"]);
  });

  it("lets a user tool of the same name win", () => {
    const mySearch = new WebSearchTool({ engine: "bing" });
    const agent = new ToolCallingAgent({
      tools: [mySearch],
      model: new ScriptedModel([]),
      addBaseTools: true,
    });
    expect(agent.tools.web_search).toBe(mySearch);
  });

  it("gives each agent its own tools", () => {
    expect(loadBaseTools({ codeAgent: false })[0]).not.toBe(loadBaseTools({ codeAgent: false })[0]);
    expect(baseTools({ codeAgent: true }).map((tool) => tool.name)).toEqual(["web_search", "visit_webpage"]);
    for (const tool of baseTools({ codeAgent: false })) expect(tool).toBeInstanceOf(Tool);
  });

  it("runs a base tool inside an agent run", async () => {
    await using web = await startFakeWebServer({
      pages: {
        "/answer": {
          body: "<html><head><title>The answer</title></head><body><p>It is 42.</p></body></html>",
        },
      },
    });
    const model = new ScriptedModel([
      { toolCalls: [{ name: "visit_webpage", arguments: { url: `${web.url}/answer` } }] },
      { toolCalls: [{ name: "final_answer", arguments: { answer: "42" } }] },
    ]);
    const agent = new ToolCallingAgent({
      tools: [],
      model,
      addBaseTools: true,
      maxSteps: 3,
      verbosityLevel: LogLevel.OFF,
    });
    expect(agent.tools.visit_webpage).toBeInstanceOf(VisitWebpageTool);
    expect(await agent.run("What is the answer?")).toBe("42");
    const visit = agent.memory.steps.find(
      (step): step is ActionStep =>
        step instanceof ActionStep && step.toolCalls?.[0]?.name === "visit_webpage",
    );
    expect(visit?.observations).toContain("# The answer\n\nIt is 42.");
  });
});
