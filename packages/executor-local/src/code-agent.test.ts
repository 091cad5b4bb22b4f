/**
 * The CodeAgent end to end: a scripted model writes code in the messy shapes real models
 * write, and real Python runs it (the host's python3, and the Pyodide sandbox for the seed).
 */
import {
  AgentExecutionError,
  AgentParsingError,
  CodeAgent,
  type CodeAgentOptions,
  LogLevel,
  type PythonExecutor,
  Tool,
  tool,
} from "@smol/core";
import { ScriptedModel, type ScriptedReply } from "@smol/testing";
import { afterAll, describe, expect, it } from "vitest";
import { HostPythonExecutor } from "./host/index.js";
import { LocalPythonExecutor } from "./local/index.js";

const executors: PythonExecutor[] = [];
afterAll(async () => {
  await Promise.all(executors.map((executor) => executor.cleanup()));
});

function hostExecutor(additionalAuthorizedImports: string[] = []): PythonExecutor {
  const executor = new HostPythonExecutor({ additionalAuthorizedImports, suppressSandboxWarning: true });
  executors.push(executor);
  return executor;
}

function codeAgent(script: ScriptedReply[], options: Partial<CodeAgentOptions> = {}) {
  const model = new ScriptedModel(script);
  const agent = new CodeAgent({
    tools: [],
    model,
    verbosityLevel: LogLevel.OFF,
    executor: options.executor ?? hostExecutor(options.additionalAuthorizedImports),
    ...options,
  });
  return { agent, model };
}

const modelDownloadTool = tool(
  {
    name: "model_download_tool",
    description: "Returns the most downloaded model of a given task on the Hugging Face Hub.",
    inputs: { task: { type: "string", description: "The task for which to get the download count." } },
    outputType: "string",
  },
  async ({ task }) => (task === "text-to-video" ? "ByteDance/AnimateDiff-Lightning" : "unknown"),
);

describe("CodeAgent with real Python", () => {
  it("answers the seed's Fibonacci question by running the model's code", async () => {
    const { agent } = codeAgent([
      "Thought: I will iterate.\n<code>\na, b = 0, 1\nfor _ in range(117):\n    a, b = b, a + b\nprint(a)\n</code>",
      "Thought: That is the number.\n<code>\nfinal_answer(a)\n</code>",
    ]);
    const answer = await agent.run("Could you give me the 118th number in the Fibonacci sequence?");
    expect(answer).toBe(1264937032042997393488322n);
    const [, firstStep] = agent.memory.steps;
    expect(firstStep).toMatchObject({ type: "action", codeAction: expect.stringContaining("range(117)") });
    expect((firstStep as { observations: string }).observations).toContain("1264937032042997393488322");
  });

  it("calls a tool defined with tool() and a Tool subclass, with keyword and positional arguments", async () => {
    class ModelDownloadTool extends Tool {
      name = "model_download_tool_class";
      description = "Returns the most downloaded model of a given task on the Hugging Face Hub.";
      inputs = { task: { type: "string", description: "The task for which to get the download count." } };
      outputType = "string";
      async forward({ task }: { task: string }) {
        return `top model for ${task}`;
      }
    }
    const { agent } = codeAgent(
      [
        '<code>\nmodel_name = model_download_tool(task="text-to-video")\nprint(model_name)\nother = model_download_tool_class("asr")\n</code>',
        "<code>final_answer(model_name + ' / ' + other)</code>",
      ],
      { tools: [modelDownloadTool, new ModelDownloadTool()] },
    );
    expect(await agent.run("Which model is the most downloaded for text-to-video?")).toBe(
      "ByteDance/AnimateDiff-Lightning / top model for asr",
    );
    expect(agent.systemPrompt).toContain("def model_download_tool(task: str) -> str:");
  });

  it("keeps state across steps and shows prints and the last value as the observation", async () => {
    const { agent, model } = codeAgent([
      "<code>\nvalues = [3, 1, 2]\nprint('sorted:', sorted(values))\nlen(values)\n</code>",
      "<code>final_answer(sum(values))</code>",
    ]);
    expect(await agent.run("Sum them")).toBe(6);
    const secondCall = model.calls[1]!.messages.map((message) => JSON.stringify(message.content)).join("\n");
    expect(secondCall).toContain("sorted: [1, 2, 3]");
    expect(secondCall).toContain("Last output from code snippet:\\n3");
  });

  it("tolerates prose around the code, several blocks, a missing closing tag and backticks in the thought", async () => {
    const { agent } = codeAgent([
      "Thought: I'll use `sum` and maybe ```this``` too.\n<code>\nx = 40\n</code>\nThen:\n<code>\ny = x + 2\n</code>",
      "Sure! Here it is:\n<code>\nfinal_answer(y)",
    ]);
    expect(await agent.run("Compute")).toBe(42);
    const lastStep = agent.memory.steps.at(-1) as { modelOutput: string };
    expect(lastStep.modelOutput.endsWith("</code>")).toBe(true);
  });

  it("reads fenced python blocks and an untagged final_answer call", async () => {
    const { agent } = codeAgent(["```python\nresult = 7 * 6\n```", "final_answer(result)"]);
    expect(await agent.run("Multiply")).toBe(42);
  });

  it("feeds a parsing error back to the model and goes on", async () => {
    const { agent, model } = codeAgent(["I believe the final answer is 4.", "<code>final_answer(4)</code>"]);
    expect(await agent.run("2 + 2?")).toBe(4);
    const failed = agent.memory.steps[1] as { error?: unknown };
    expect(AgentParsingError.isInstance(failed.error)).toBe(true);
    const retry = JSON.stringify(model.calls[1]!.messages);
    expect(retry).toContain("<code>");
    expect(retry).toContain("final_answer(<your answer>)");
  });

  it("reports a Python error with its line, keeps the prints made before it, and recovers", async () => {
    const { agent } = codeAgent([
      "<code>\nprint('before')\nx = 1\ny = x / 0\n</code>",
      "<code>final_answer('recovered')</code>",
    ]);
    expect(await agent.run("Divide")).toBe("recovered");
    const failed = agent.memory.steps[1] as { error?: Error; observations?: string };
    expect(AgentExecutionError.isInstance(failed.error)).toBe(true);
    expect(failed.error!.message).toMatch(/line 3/);
    expect(failed.error!.message).toContain("ZeroDivisionError");
    expect(failed.observations).toContain("before");
  });

  it("does not let except Exception swallow the final answer", async () => {
    const { agent } = codeAgent([
      "<code>\ntry:\n    final_answer(1)\nexcept Exception as e:\n    final_answer(2)\n</code>",
    ]);
    expect(await agent.run("Answer")).toBe(1);
  });

  it("renames a final_answer variable so the call still works", async () => {
    const { agent } = codeAgent(["<code>\nfinal_answer = 3.21\nfinal_answer(final_answer)\n</code>"]);
    expect(await agent.run("Answer")).toBe(3.21);
  });

  it("enforces the import allow-list and names the allowed modules", async () => {
    const { agent, model } = codeAgent([
      "<code>import os\nprint(os.getcwd())</code>",
      "<code>final_answer('no')</code>",
    ]);
    await agent.run("Where am I?");
    const error = (agent.memory.steps[1] as { error?: Error }).error!;
    expect(error.message).toMatch(/os/);
    expect(error.message).toMatch(/collections/);
    expect(agent.systemPrompt).toContain("You may only import these modules: collections, datetime");
    expect(model.calls).toHaveLength(2);
  });

  it("allows additional imports, with pkg.* covering submodules", async () => {
    const { agent } = codeAgent(["<code>import xml.dom.minidom\nimport csv\nfinal_answer('ok')</code>"], {
      additionalAuthorizedImports: ["xml.*", "csv"],
    });
    expect(await agent.run("Import")).toBe("ok");
    expect(agent.systemPrompt).toContain("xml.*");
  });

  it("makes additionalArgs Python variables", async () => {
    const { agent } = codeAgent(["<code>final_answer(city.upper())</code>"]);
    expect(await agent.run("Shout the city", { additionalArgs: { city: "lyon" } })).toBe("LYON");
  });

  it("calls a managed agent from the code and returns its report", async () => {
    const worker = new CodeAgent({
      tools: [modelDownloadTool],
      model: new ScriptedModel(['<code>final_answer(model_download_tool(task="text-to-video"))</code>']),
      name: "web_search_agent",
      description: "Runs web searches for you. Give it your query as an argument.",
      verbosityLevel: LogLevel.OFF,
      executor: hostExecutor(),
    });
    const { agent } = codeAgent(
      [
        '<code>report = web_search_agent(task="Find the top text-to-video model")\nfinal_answer(report)</code>',
      ],
      { managedAgents: [worker] },
    );
    const answer = await agent.run("Who makes the top text-to-video model?");
    expect(answer).toContain("ByteDance/AnimateDiff-Lightning");
    expect(agent.systemPrompt).toContain("def web_search_agent(");
  });

  it("applies final answer checks to the code's final answer", async () => {
    const { agent } = codeAgent(
      ["<code>final_answer('twenty-one')</code>", "<code>final_answer('21')</code>"],
      {
        finalAnswerChecks: [(answer) => Number.isInteger(Number(answer))],
      },
    );
    expect(await agent.run("Calculate the least common multiple of 3 and 7")).toBe("21");
  });

  it("asks for JSON thought and code with useStructuredOutputsInternally", async () => {
    const { agent, model } = codeAgent(['{"thought": "easy", "code": "final_answer(5)"}'], {
      useStructuredOutputsInternally: true,
    });
    expect(await agent.run("Five")).toBe(5);
    expect(model.calls[0]!.options.responseFormat?.type).toBe("json_schema");
  });

  it("stops the model at the closing tag, but not with markdown tags", async () => {
    const tagged = codeAgent(["<code>final_answer(1)</code>"]);
    await tagged.agent.run("One");
    expect(tagged.model.calls[0]!.options.stopSequences).toContain("</code>");
    const markdown = codeAgent(["```python\nfinal_answer(1)\n```"], { codeBlockTags: "markdown" });
    await markdown.agent.run("One");
    expect(markdown.model.calls[0]!.options.stopSequences).not.toContain("```");
    expect(markdown.agent.systemPrompt).toContain("```python");
  });

  it("streams a python_interpreter tool call with the code", async () => {
    const { agent } = codeAgent(["<code>final_answer(2)</code>"]);
    const types: string[] = [];
    for await (const event of agent.run("Two", { stream: true })) {
      types.push(event.type);
      if (event.type === "tool-call") expect(event.toolCall).toMatchObject({ name: "python_interpreter" });
    }
    expect(types).toEqual([
      "run-start",
      "step-start",
      "tool-call",
      "action-output",
      "action-step",
      "final-answer",
      "run-end",
    ]);
  });

  it("boots the sandbox while the model writes its first step", async () => {
    const executor = new HostPythonExecutor({ suppressSandboxWarning: true });
    executors.push(executor);
    const model = new ScriptedModel(async () => {
      // The model "thinks" until the runtime has said it is ready: without a pre-warm, it never is.
      const deadline = Date.now() + 20_000;
      while (executor.runtimeInfo === undefined && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return executor.runtimeInfo === undefined ? "no runtime yet" : "<code>final_answer('warm')</code>";
    });
    const agent = new CodeAgent({ tools: [], model, executor, verbosityLevel: LogLevel.OFF, maxSteps: 1 });
    expect(await agent.run("Warm up")).toBe("warm");
  });

  it("names the valid executor types when given an unknown one", async () => {
    const agent = new CodeAgent({
      tools: [],
      model: new ScriptedModel(["<code>final_answer(1)</code>"]),
      executorType: "nowhere" as never,
      verbosityLevel: LogLevel.OFF,
    });
    await expect(agent.run("x")).rejects.toThrow(
      /Unknown executorType "nowhere".*local, python, docker, e2b, blaxel/,
    );
  });

  it("rejects an invalid authorized import entry at construction", () => {
    expect(
      () =>
        new CodeAgent({ tools: [], model: new ScriptedModel([]), additionalAuthorizedImports: ["os; rm"] }),
    ).toThrow(/additionalAuthorizedImports/);
  });

  it("cleans its executor up when disposed", async () => {
    const executor = hostExecutor();
    let cleaned = 0;
    const original = executor.cleanup.bind(executor);
    executor.cleanup = async () => {
      cleaned += 1;
      await original();
    };
    {
      await using agent = new CodeAgent({
        tools: [],
        model: new ScriptedModel(["<code>final_answer(1)</code>"]),
        executor,
        verbosityLevel: LogLevel.OFF,
      });
      await agent.run("x");
    }
    expect(cleaned).toBe(1);
  });
});

describe("CodeAgent in the default sandbox", () => {
  it("runs the seed's Fibonacci task with executorType local (Pyodide in Deno)", async () => {
    await using agent = new CodeAgent({
      tools: [modelDownloadTool],
      model: new ScriptedModel([
        '<code>\nname = model_download_tool(task="text-to-video")\nfib = [0, 1]\nwhile len(fib) < 118:\n    fib.append(fib[-1] + fib[-2])\nprint(name)\n</code>',
        "<code>final_answer({'model': name, 'fib118': fib[117]})</code>",
      ]),
      verbosityLevel: LogLevel.OFF,
    });
    const answer = await agent.run("Fibonacci and a model");
    expect(answer).toEqual({ model: "ByteDance/AnimateDiff-Lightning", fib118: 1264937032042997393488322n });
    expect(agent.pythonExecutor).toBeInstanceOf(LocalPythonExecutor);
  }, 120_000);
});
