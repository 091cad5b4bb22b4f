import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import {
  AgentInterruptedError,
  type ChatMessage,
  LogLevel,
  type Model,
  ToolCallingAgent,
  tool,
} from "@smol/core";
import { ScriptedModel } from "@smol/core/testing";
import { describe, expect, it } from "vitest";
import { instrumentAgent } from "./index.js";
import { memoryTracing, parentName, spanNamed } from "./test-support.js";

const quiet = { verbosityLevel: LogLevel.OFF } as const;

const weather = tool(
  {
    name: "get_weather",
    description: "Current weather in a city.",
    inputs: { city: { type: "string", description: "The city." } },
    outputType: "string",
  },
  async ({ city }) => `Sunny in ${city}`,
);

const broken = tool(
  {
    name: "broken_tool",
    description: "Always fails.",
    inputs: { city: { type: "string", description: "The city." } },
    outputType: "string",
  },
  async () => {
    throw new Error("the weather service is down");
  },
);

const call = (name: string, args: Record<string, unknown>) => ({ toolCalls: [{ name, arguments: args }] });

describe("instrumentAgent on a ToolCallingAgent", () => {
  it("makes an invoke_agent span per run, with chat and execute_tool spans under it", async () => {
    const { provider, exporter } = memoryTracing();
    const model = new ScriptedModel(
      [call("get_weather", { city: "Paris" }), call("final_answer", { answer: "Sunny" })],
      {
        modelId: "gpt-test",
      },
    );
    const agent = new ToolCallingAgent({
      name: "forecaster",
      description: "Knows the weather.",
      tools: [weather],
      model,
      ...quiet,
    });
    const instrumentation = instrumentAgent(agent, { tracerProvider: provider });

    const result = await agent.run("Weather in Paris?", { returnFullResult: true });
    instrumentation.stop();
    const spans = exporter.getFinishedSpans();

    expect(spans.map((span) => span.name).sort()).toEqual([
      "chat gpt-test",
      "chat gpt-test",
      "execute_tool final_answer",
      "execute_tool get_weather",
      "invoke_agent forecaster",
    ]);
    const run = spanNamed(spans, "invoke_agent forecaster");
    expect(parentName(spans, run)).toBeUndefined();
    for (const span of spans.filter((s) => s !== run))
      expect(parentName(spans, span)).toBe("invoke_agent forecaster");

    expect(run.kind).toBe(SpanKind.INTERNAL);
    expect(run.attributes).toMatchObject({
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": "forecaster",
      "gen_ai.agent.description": "Knows the weather.",
      "gen_ai.provider.name": "scripted",
      "gen_ai.request.model": "gpt-test",
      "gen_ai.conversation.id": agent.defaultSession.id,
      "gen_ai.usage.input_tokens": 200,
      "gen_ai.usage.output_tokens": 40,
      "smol.run.state": "success",
    });
    expect(run.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(result.output).toBe("Sunny");

    const chats = spans.filter((span) => span.name === "chat gpt-test");
    for (const chat of chats) {
      expect(chat.kind).toBe(SpanKind.CLIENT);
      expect(chat.attributes).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": "gpt-test",
        "gen_ai.provider.name": "scripted",
        "gen_ai.usage.input_tokens": 100,
        "gen_ai.usage.output_tokens": 20,
      });
    }
    // The model calls and the tool call come in the order they happened.
    const toolSpan = spanNamed(spans, "execute_tool get_weather");
    expect(toolSpan.attributes).toMatchObject({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "get_weather",
      "gen_ai.tool.description": "Current weather in a city.",
    });
    expect(typeof toolSpan.attributes["gen_ai.tool.call.id"]).toBe("string");
    const [first, second] = [...chats].sort((a, b) => compareTime(a.startTime, b.startTime));
    // The SDK anchors each span's clock on Date.now(), which moves in milliseconds: two spans'
    // times may disagree by up to one, so the order is checked to that precision.
    expect(compareTime(first!.endTime, toolSpan.startTime)).toBeLessThanOrEqual(SPAN_CLOCK_SLACK_NS);
    expect(compareTime(toolSpan.endTime, second!.startTime)).toBeLessThanOrEqual(SPAN_CLOCK_SLACK_NS);

    // Contents are off by default: no message, argument or result is recorded anywhere.
    for (const span of spans) {
      for (const key of Object.keys(span.attributes)) {
        expect(key).not.toMatch(/messages|arguments|result/);
      }
    }
  });

  it("records contents only when recordContent is on", async () => {
    const { provider, exporter } = memoryTracing();
    const model = new ScriptedModel([
      call("get_weather", { city: "Oslo" }),
      call("final_answer", { answer: "Sunny in Oslo" }),
    ]);
    const agent = new ToolCallingAgent({ tools: [weather], model, ...quiet });
    instrumentAgent(agent, { tracerProvider: provider, recordContent: true });

    await agent.run("Weather in Oslo? (secret: hunter2)");
    const spans = exporter.getFinishedSpans();

    const run = spanNamed(spans, "invoke_agent");
    expect(JSON.parse(String(run.attributes["gen_ai.input.messages"]))).toEqual([
      { role: "user", parts: [{ type: "text", content: "Weather in Oslo? (secret: hunter2)" }] },
    ]);
    expect(JSON.parse(String(run.attributes["gen_ai.output.messages"]))[0].parts[0].content).toBe(
      "Sunny in Oslo",
    );
    const [firstChat] = spans.filter((span) => span.name === "chat scripted-model");
    const input = JSON.parse(String(firstChat!.attributes["gen_ai.input.messages"]));
    expect(input.map((message: { role: string }) => message.role)).toEqual(["system", "user"]);
    expect(JSON.stringify(input)).toContain("hunter2");
    const output = JSON.parse(String(firstChat!.attributes["gen_ai.output.messages"]));
    expect(output[0].parts).toContainEqual(
      expect.objectContaining({ type: "tool_call", name: "get_weather" }),
    );
    const toolSpan = spanNamed(spans, "execute_tool get_weather");
    expect(JSON.parse(String(toolSpan.attributes["gen_ai.tool.call.arguments"]))).toEqual({ city: "Oslo" });
    expect(JSON.parse(String(toolSpan.attributes["gen_ai.tool.call.result"]))).toBe("Sunny in Oslo");
  });

  it("marks a failing tool's span ERROR and lets the run go on", async () => {
    const { provider, exporter } = memoryTracing();
    const model = new ScriptedModel([
      call("broken_tool", { city: "Paris" }),
      call("final_answer", { answer: "unknown" }),
    ]);
    const agent = new ToolCallingAgent({ tools: [broken], model, ...quiet });
    instrumentAgent(agent, { tracerProvider: provider });

    expect(await agent.run("Weather?")).toBe("unknown");
    const spans = exporter.getFinishedSpans();

    const failed = spanNamed(spans, "execute_tool broken_tool");
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.status.message).toContain("the weather service is down");
    expect(failed.attributes["error.type"]).toBe("AgentToolExecutionError");
    expect(failed.events.map((event) => event.name)).toContain("exception");
    expect(spanNamed(spans, "execute_tool final_answer").status.code).not.toBe(SpanStatusCode.ERROR);
    expect(spanNamed(spans, "invoke_agent").status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it("ends every span of an interrupted run, the run's with status ERROR", async () => {
    const { provider, exporter } = memoryTracing();
    const controller = new AbortController();
    const slow = tool(
      {
        name: "slow_tool",
        description: "Waits until the run is aborted.",
        inputs: {},
        outputType: "string",
      },
      async (_args, options) => {
        controller.abort(new Error("stopped by the user"));
        options?.signal?.throwIfAborted();
        return "never";
      },
    );
    const model = new ScriptedModel([call("slow_tool", {}), call("final_answer", { answer: "never" })]);
    const agent = new ToolCallingAgent({ tools: [slow], model, ...quiet });
    instrumentAgent(agent, { tracerProvider: provider });

    const error = await agent.run("Wait", { signal: controller.signal }).catch((caught: unknown) => caught);
    expect(AgentInterruptedError.isInstance(error)).toBe(true);
    const spans = exporter.getFinishedSpans();

    expect(spans.map((span) => span.name).sort()).toEqual([
      "chat scripted-model",
      "execute_tool slow_tool",
      "invoke_agent",
    ]);
    const run = spanNamed(spans, "invoke_agent");
    expect(run.status.code).toBe(SpanStatusCode.ERROR);
    expect(run.attributes).toMatchObject({
      "error.type": "AgentInterruptedError",
      "smol.run.state": "error",
    });
    expect(spanNamed(spans, "execute_tool slow_tool").status.code).toBe(SpanStatusCode.ERROR);
  });

  it("marks a failed model call ERROR", async () => {
    const { provider, exporter } = memoryTracing();
    const model = new ScriptedModel([new Error("503 upstream")]);
    const agent = new ToolCallingAgent({ tools: [], model, ...quiet });
    instrumentAgent(agent, { tracerProvider: provider });

    await expect(agent.run("Hi")).rejects.toThrow(/503 upstream/);
    const spans = exporter.getFinishedSpans();
    const chat = spanNamed(spans, "chat scripted-model");
    expect(chat.status.code).toBe(SpanStatusCode.ERROR);
    expect(chat.attributes["error.type"]).toBe("AgentGenerationError");
    expect(spanNamed(spans, "invoke_agent").status.code).toBe(SpanStatusCode.ERROR);
  });

  it("reads the finish reason, the response id and model from the provider's reply", async () => {
    const { provider, exporter } = memoryTracing();
    class OpenAIShapedModel implements Model {
      readonly modelId = "gpt-4o";
      readonly providerName = "openai";
      async generate(): Promise<ChatMessage> {
        return {
          role: "assistant",
          content: null,
          toolCalls: [
            { id: "c1", type: "function", function: { name: "final_answer", arguments: { answer: 4 } } },
          ],
          tokenUsage: { inputTokens: 12, outputTokens: 3 },
          raw: { id: "chatcmpl-42", model: "gpt-4o-2024-08-06", choices: [{ finish_reason: "tool_calls" }] },
        };
      }
    }
    const agent = new ToolCallingAgent({ tools: [], model: new OpenAIShapedModel(), ...quiet });
    instrumentAgent(agent, { tracerProvider: provider });

    expect(await agent.run("2 + 2?")).toBe(4);
    const chat = spanNamed(exporter.getFinishedSpans(), "chat gpt-4o");
    expect(chat.attributes).toMatchObject({
      "gen_ai.provider.name": "openai",
      "gen_ai.response.finish_reasons": ["tool_calls"],
      "gen_ai.response.id": "chatcmpl-42",
      "gen_ai.response.model": "gpt-4o-2024-08-06",
      "gen_ai.usage.input_tokens": 12,
    });
  });

  it("nests a managed agent's run under the manager's tool call", async () => {
    const { provider, exporter } = memoryTracing();
    const researcher = new ToolCallingAgent({
      name: "researcher",
      description: "Looks things up.",
      tools: [weather],
      model: new ScriptedModel(
        [call("get_weather", { city: "Rome" }), call("final_answer", { answer: "Sunny in Rome" })],
        {
          modelId: "small-model",
        },
      ),
      ...quiet,
    });
    const manager = new ToolCallingAgent({
      name: "manager",
      tools: [],
      managedAgents: [researcher],
      model: new ScriptedModel(
        [call("researcher", { task: "Weather in Rome?" }), call("final_answer", { answer: "Sunny" })],
        {
          modelId: "big-model",
        },
      ),
      ...quiet,
    });
    instrumentAgent(manager, { tracerProvider: provider });

    await manager.run("Weather in Rome?");
    const spans = exporter.getFinishedSpans();

    const managedRun = spanNamed(spans, "invoke_agent researcher");
    expect(parentName(spans, managedRun)).toBe("execute_tool researcher");
    expect(parentName(spans, spanNamed(spans, "execute_tool researcher"))).toBe("invoke_agent manager");
    expect(parentName(spans, spanNamed(spans, "execute_tool get_weather"))).toBe("invoke_agent researcher");
    expect(
      spans.filter((span) => span.name === "chat small-model").map((span) => parentName(spans, span)),
    ).toEqual(["invoke_agent researcher", "invoke_agent researcher"]);
    // One trace.
    expect(new Set(spans.map((span) => span.spanContext().traceId)).size).toBe(1);
  });

  it("traces a streamed run with streamed model output, plans and the answer written after maxSteps", async () => {
    const { provider, exporter } = memoryTracing();
    const model = new ScriptedModel([
      "Plan: look it up.",
      call("get_weather", { city: "Lima" }),
      "It is sunny in Lima.",
    ]);
    const agent = new ToolCallingAgent({
      tools: [weather],
      model,
      planningInterval: 5,
      maxSteps: 1,
      streamOutputs: true,
      ...quiet,
    });
    instrumentAgent(agent, { tracerProvider: provider });

    const types: string[] = [];
    for await (const event of agent.run("Weather in Lima?", { stream: true })) types.push(event.type);
    const spans = exporter.getFinishedSpans();

    // The stream itself is as without instrumentation.
    expect(types).not.toContain("model-call-start");
    // The plan, the step and the answer from memory: three model calls.
    expect(spans.filter((span) => span.name === "chat scripted-model")).toHaveLength(3);
    expect(spanNamed(spans, "execute_tool get_weather").status.code).not.toBe(SpanStatusCode.ERROR);
    expect(spanNamed(spans, "invoke_agent").attributes["smol.run.state"]).toBe("max_steps_error");
  });

  it("traces runs of other sessions, and nothing once stopped", async () => {
    const { provider, exporter } = memoryTracing();
    const model = new ScriptedModel(() => call("final_answer", { answer: "ok" }));
    const agent = new ToolCallingAgent({ tools: [], model, ...quiet });
    const instrumentation = instrumentAgent(agent, { tracerProvider: provider });

    await using session = agent.session();
    await session.run("First");
    const [run] = exporter.getFinishedSpans().filter((span) => span.name === "invoke_agent");
    expect(run!.attributes["gen_ai.conversation.id"]).toBe(session.id);

    instrumentation.stop();
    const before = exporter.getFinishedSpans().length;
    await agent.run("Second");
    expect(exporter.getFinishedSpans().length).toBe(before);
  });
});

/** How far apart two span times may be when the SDK anchored their clocks separately. */
const SPAN_CLOCK_SLACK_NS = 1_000_000;

/** `a - b` in nanoseconds, for OpenTelemetry's `[seconds, nanoseconds]` times. */
function compareTime(a: [number, number], b: [number, number]): number {
  return (a[0] - b[0]) * 1e9 + (a[1] - b[1]);
}
