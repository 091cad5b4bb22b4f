import { SpanStatusCode } from "@opentelemetry/api";
import { CodeAgent, LogLevel, tool } from "@smol/core";
import { ScriptedModel } from "@smol/core/testing";
import { LocalPythonExecutor } from "@smol/executor-local";
import { afterAll, describe, expect, it } from "vitest";
import { instrumentAgent } from "./index.js";
import { memoryTracing, parentName, spanNamed } from "./test-support.js";

const executors: LocalPythonExecutor[] = [];
afterAll(async () => {
  await Promise.all(executors.map((executor) => executor.cleanup()));
});

const add = tool(
  {
    name: "add",
    description: "Adds two numbers.",
    inputs: { a: { type: "number", description: "First." }, b: { type: "number", description: "Second." } },
    outputType: "number",
  },
  async ({ a, b }) => a + b,
);

const lookup = tool(
  {
    name: "lookup",
    description: "Fails for unknown keys.",
    inputs: { key: { type: "string", description: "The key." } },
    outputType: "string",
  },
  async ({ key }) => {
    throw new Error(`no entry for ${key}`);
  },
);

describe("instrumentAgent on a CodeAgent, in the real sandbox", () => {
  it("traces each code execution, the tool calls its Python makes under it, and a failing one", async () => {
    const { provider, exporter } = memoryTracing();
    const executor = new LocalPythonExecutor();
    executors.push(executor);
    const model = new ScriptedModel(
      [
        "<code>\ntotal = add(2, 3)\ntotal = add(total, 10)\nprint(total)\n</code>",
        '<code>\ntry:\n    lookup("missing")\nexcept Exception as error:\n    print("failed:", error)\nprint(1 / 0)\n</code>',
        "<code>final_answer(total)</code>",
      ],
      { modelId: "coder" },
    );
    const agent = new CodeAgent({
      name: "calculator",
      tools: [add, lookup],
      model,
      executor,
      verbosityLevel: LogLevel.OFF,
    });
    instrumentAgent(agent, { tracerProvider: provider, recordContent: true });

    expect(await agent.run("What is 2 + 3 + 10?")).toBe(15);
    const spans = exporter.getFinishedSpans();

    const codeSpans = spans
      .filter((span) => span.name === "execute_tool python_interpreter")
      .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
    expect(codeSpans).toHaveLength(3);
    for (const span of codeSpans) {
      expect(parentName(spans, span)).toBe("invoke_agent calculator");
      expect(span.attributes["gen_ai.operation.name"]).toBe("execute_tool");
      expect(span.attributes["smol.code.duration_ms"]).toBeGreaterThan(0);
      expect(span.duration[0] * 1e3 + span.duration[1] / 1e6).toBeGreaterThan(0);
    }
    const [first, second, third] = codeSpans;
    expect(String(first!.attributes["gen_ai.tool.call.arguments"])).toContain("add(2, 3)");
    expect(first!.attributes["gen_ai.tool.call.id"]).toBe("call_1");
    expect(first!.status.code).not.toBe(SpanStatusCode.ERROR);

    // Both calls of the first snippet, under its execution, in order, with their results.
    const adds = spans.filter((span) => span.name === "execute_tool add");
    expect(adds).toHaveLength(2);
    for (const span of adds) expect(span.parentSpanContext?.spanId).toBe(first!.spanContext().spanId);
    expect(adds.map((span) => JSON.parse(String(span.attributes["gen_ai.tool.call.result"])))).toEqual([
      5, 15,
    ]);

    // The failing tool: caught by the code, yet its span is ERROR; the code then raised.
    const failed = spanNamed(spans, "execute_tool lookup");
    expect(failed.parentSpanContext?.spanId).toBe(second!.spanContext().spanId);
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.status.message).toContain("no entry for missing");
    expect(second!.status.code).toBe(SpanStatusCode.ERROR);
    expect(second!.attributes["error.type"]).toBe("ZeroDivisionError");

    expect(third!.attributes["smol.code.is_final_answer"]).toBe(true);
    expect(spans.filter((span) => span.name === "chat coder")).toHaveLength(3);
    expect(spanNamed(spans, "invoke_agent calculator").status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it("nests a managed agent called from Python under that call", async () => {
    const { provider, exporter } = memoryTracing();
    const executor = new LocalPythonExecutor();
    executors.push(executor);
    const { ToolCallingAgent } = await import("@smol/core");
    const helper = new ToolCallingAgent({
      name: "helper",
      description: "Adds numbers.",
      tools: [add],
      model: new ScriptedModel([
        { toolCalls: [{ name: "add", arguments: { a: 1, b: 2 } }] },
        { toolCalls: [{ name: "final_answer", arguments: { answer: "3" } }] },
      ]),
      verbosityLevel: LogLevel.OFF,
    });
    const agent = new CodeAgent({
      name: "boss",
      tools: [],
      managedAgents: [helper],
      model: new ScriptedModel(['<code>\nreport = helper(task="1 + 2?")\nfinal_answer(report)\n</code>']),
      executor,
      verbosityLevel: LogLevel.OFF,
    });
    instrumentAgent(agent, { tracerProvider: provider });

    expect(String(await agent.run("Ask the helper"))).toContain("3");
    const spans = exporter.getFinishedSpans();
    const helperRun = spanNamed(spans, "invoke_agent helper");
    expect(parentName(spans, helperRun)).toBe("execute_tool helper");
    expect(parentName(spans, spanNamed(spans, "execute_tool helper"))).toBe(
      "execute_tool python_interpreter",
    );
    expect(parentName(spans, spanNamed(spans, "execute_tool add"))).toBe("invoke_agent helper");
  });
});
