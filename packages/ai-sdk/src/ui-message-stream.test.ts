/**
 * toUIMessageStream read back by the `ai` package's own reader (`readUIMessageStream`, what
 * `useChat` uses), from real runs: agents on an AI SDK model and the fake OpenAI server, a
 * CodeAgent's code in the real sandbox.
 */
import {
  type AgentEvent,
  CodeAgent,
  LogLevel,
  type MultiStepAgent,
  ToolCallingAgent,
  tool,
} from "@smol/core";
import { LocalPythonExecutor } from "@smol/executor-local";
import { type FakeReply, startFakeOpenAIServer } from "@smol/testing";
import { readUIMessageStream, type UIMessage, type UIMessageChunk } from "ai";
import { describe, expect, expectTypeOf, it } from "vitest";
import { AiSdkModel } from "./ai-sdk-model.js";
import { testProviders } from "./test-providers.js";
import type { SmolUIMessageChunk } from "./ui-message-chunks.js";
import { toUIMessageStream, toUIMessageStreamResponse } from "./ui-message-stream.js";

const aiSdk7 = testProviders.find((provider) => provider.specificationVersion === "v4")!;

const getWeather = tool(
  {
    name: "get_weather",
    description: "The weather in a city.",
    inputs: { city: { type: "string", description: "The city." } },
    outputType: "string",
  },
  async ({ city }) => `Sunny in ${city}`,
);

/** Every state of the message the reader builds; the last is the finished message. */
async function readBack(
  stream: ReadableStream<SmolUIMessageChunk>,
): Promise<{ message: UIMessage; errors: string[] }> {
  const errors: string[] = [];
  let message: UIMessage | undefined;
  for await (const state of readUIMessageStream({
    stream: stream as ReadableStream<UIMessageChunk>,
    onError: (error) => errors.push(error instanceof Error ? error.message : String(error)),
  })) {
    message = state;
  }
  if (!message) throw new Error("the reader built no message");
  return { message, errors };
}

async function chunksOf(stream: ReadableStream<SmolUIMessageChunk>): Promise<SmolUIMessageChunk[]> {
  const chunks: SmolUIMessageChunk[] = [];
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
  return chunks;
}

function toolCallingAgent(baseURL: string, extraTools: MultiStepAgent["tools"][string][] = []) {
  return new ToolCallingAgent({
    tools: [getWeather, ...extraTools],
    model: new AiSdkModel(aiSdk7.chatModel(baseURL), { maxRetries: 0 }),
    verbosityLevel: LogLevel.OFF,
  });
}

describe("toUIMessageStream", () => {
  it("its chunks are the AI SDK's UIMessageChunk", () => {
    expectTypeOf<SmolUIMessageChunk>().toExtend<UIMessageChunk>();
  });

  it("a ToolCallingAgent's run: steps, tool parts with their outputs, the answer as text", async () => {
    // The model reuses its call id in every reply, as some do: each call keeps its own part.
    const replies: FakeReply[] = [
      { toolCalls: [{ id: "call_0", name: "get_weather", arguments: { city: "Lyon" } }] },
      { toolCalls: [{ id: "call_0", name: "final_answer", arguments: { answer: "Lyon is sunny." } }] },
    ];
    await using server = await startFakeOpenAIServer({ replies });
    const agent = toolCallingAgent(server.baseURL);
    const { message, errors } = await readBack(
      toUIMessageStream(agent.run("Weather in Lyon?", { stream: true }), { messageId: "answer-1" }),
    );
    expect(errors).toEqual([]);
    expect(message.id).toBe("answer-1");
    expect(message.role).toBe("assistant");
    expect(message.parts.map((part) => part.type)).toEqual([
      "step-start",
      "dynamic-tool",
      "step-start",
      "dynamic-tool",
      "text",
    ]);
    const [weather, answer] = message.parts.filter((part) => part.type === "dynamic-tool");
    expect(weather).toMatchObject({
      toolName: "get_weather",
      state: "output-available",
      input: { city: "Lyon" },
      output: "Sunny in Lyon",
    });
    expect(answer).toMatchObject({ toolName: "final_answer", state: "output-available" });
    expect(weather!.toolCallId).not.toBe(answer!.toolCallId);
    expect(message.parts.at(-1)).toMatchObject({ type: "text", text: "Lyon is sunny.", state: "done" });
  });

  it("a failing tool is a tool part in its error state, and the run goes on", async () => {
    const failing = tool(
      {
        name: "get_forecast",
        description: "Fails.",
        inputs: { city: { type: "string", description: "The city." } },
        outputType: "string",
      },
      async () => {
        throw new Error("forecast service down");
      },
    );
    await using server = await startFakeOpenAIServer({
      replies: [
        { toolCalls: [{ name: "get_forecast", arguments: { city: "Nice" } }] },
        { toolCalls: [{ name: "final_answer", arguments: { answer: "No forecast." } }] },
      ],
    });
    const agent = toolCallingAgent(server.baseURL, [failing]);
    const { message, errors } = await readBack(toUIMessageStream(agent.run("Forecast?", { stream: true })));
    expect(errors).toEqual([]);
    const forecast = message.parts.find(
      (part) => part.type === "dynamic-tool" && part.toolName === "get_forecast",
    );
    expect(forecast).toMatchObject({ state: "output-error" });
    expect((forecast as { errorText: string }).errorText).toContain("forecast service down");
    expect(message.parts.at(-1)).toMatchObject({ type: "text", text: "No forecast." });
  });

  it("a CodeAgent's run: streamed thoughts as reasoning, code executions with their logs and errors", async () => {
    await using server = await startFakeOpenAIServer({
      replies: [
        "Thought: A first try.\n<code>\nprint('checking')\n1 / 0\n</code>",
        "Thought: Divide by two instead.\n<code>\nprint('half is', 21 / 2)\nfinal_answer({'half': 10.5})\n</code>",
      ],
    });
    const executor = new LocalPythonExecutor();
    try {
      const agent = new CodeAgent({
        tools: [],
        model: new AiSdkModel(aiSdk7.chatModel(server.baseURL), { maxRetries: 0 }),
        executor,
        streamOutputs: true,
        verbosityLevel: LogLevel.OFF,
      });
      const { message, errors } = await readBack(
        toUIMessageStream(agent.run("Half of 21?", { stream: true })),
      );
      expect(errors).toEqual([]);
      expect(message.parts.map((part) => part.type)).toEqual([
        "step-start",
        "reasoning",
        "dynamic-tool",
        "step-start",
        "reasoning",
        "dynamic-tool",
        "text",
      ]);
      const [firstThought, secondThought] = message.parts.filter((part) => part.type === "reasoning");
      expect(firstThought).toMatchObject({ state: "done" });
      expect((firstThought as { text: string }).text).toContain("Thought: A first try.");
      expect((secondThought as { text: string }).text).toContain("Divide by two instead.");
      const [failed, succeeded] = message.parts.filter((part) => part.type === "dynamic-tool");
      expect(failed).toMatchObject({ toolName: "python_interpreter", state: "output-error" });
      expect((failed as { errorText: string }).errorText).toMatch(/checking[\s\S]*ZeroDivisionError/);
      expect((failed as { input: unknown }).input).toContain("1 / 0");
      expect(succeeded).toMatchObject({ toolName: "python_interpreter", state: "output-available" });
      expect(String((succeeded as { output: unknown }).output)).toContain("half is 10.5");
      expect(message.parts.at(-1)).toMatchObject({
        type: "text",
        text: JSON.stringify({ half: 10.5 }, null, 2),
      });
    } finally {
      await executor.cleanup();
    }
  });

  it("a run that fails ends with an error chunk, after the steps that ran", async () => {
    await using server = await startFakeOpenAIServer({ replies: ["never"], faults: ["server-error"] });
    const agent = toolCallingAgent(server.baseURL);
    const chunks = await chunksOf(toUIMessageStream(agent.run("Weather?", { stream: true })));
    const error = chunks.find((chunk) => chunk.type === "error");
    expect(error?.type === "error" && error.errorText).toMatch(/500/);
    expect(chunks.at(-1)).toEqual({ type: "finish", finishReason: "error" });
    const types = chunks.map((chunk) => chunk.type);
    expect(types.indexOf("start-step")).toBeGreaterThan(-1);
    expect(types.indexOf("finish-step")).toBeLessThan(types.indexOf("error"));
  });

  it("onError decides what the front end reads of an error", async () => {
    await using server = await startFakeOpenAIServer({ replies: ["never"], apiKey: "right" });
    const agent = new ToolCallingAgent({
      tools: [],
      model: new AiSdkModel(aiSdk7.chatModel(server.baseURL, "fake-model", "wrong"), { maxRetries: 0 }),
      verbosityLevel: LogLevel.OFF,
    });
    const { errors } = await readBack(
      toUIMessageStream(agent.run("Hi", { stream: true }), { onError: () => "Something went wrong." }),
    );
    expect(errors).toEqual(["Something went wrong."]);
  });

  it("an interrupted run ends with an abort chunk", async () => {
    let agent: ToolCallingAgent | undefined;
    const stopper = tool(
      { name: "stop_here", description: "Interrupts the run.", inputs: {}, outputType: "string" },
      async () => {
        agent!.interrupt();
        return "stopping";
      },
    );
    await using server = await startFakeOpenAIServer({
      replies: [{ toolCalls: [{ name: "stop_here", arguments: {} }] }, "never reached"],
    });
    agent = toolCallingAgent(server.baseURL, [stopper]);
    const chunks = await chunksOf(toUIMessageStream(agent.run("Stop.", { stream: true })));
    expect(chunks.at(-1)?.type).toBe("abort");
    expect(chunks.some((chunk) => chunk.type === "error")).toBe(false);
    expect(server.chatRequests).toHaveLength(1);
  });

  it("an iterable that throws before run-end still ends the message with the error", async () => {
    async function* broken(): AsyncGenerator<AgentEvent> {
      yield { type: "run-start", task: "t" };
      yield { type: "step-start", stepNumber: 1 };
      yield { type: "tool-call", toolCall: { id: "c1", name: "get_weather", arguments: { city: "Oslo" } } };
      throw new Error("the producer broke");
    }
    const chunks = await chunksOf(toUIMessageStream(broken()));
    expect(chunks.map((chunk) => chunk.type)).toEqual([
      "start",
      "start-step",
      "tool-input-available",
      "tool-output-error",
      "finish-step",
      "error",
      "finish",
    ]);
    const { message, errors } = await readBack(toUIMessageStream(broken()));
    expect(errors).toEqual(["the producer broke"]);
    expect(message.parts.find((part) => part.type === "dynamic-tool")).toMatchObject({
      state: "output-error",
    });
  });

  it("cancelling the stream ends the iteration of the events", async () => {
    let finished = false;
    async function* endless(): AsyncGenerator<AgentEvent> {
      try {
        yield { type: "run-start", task: "t" };
        for (let step = 1; ; step++) yield { type: "step-start", stepNumber: step };
      } finally {
        finished = true;
      }
    }
    const reader = toUIMessageStream(endless()).getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    expect(finished).toBe(true);
  });
});

describe("toUIMessageStreamResponse", () => {
  it("is a Server-Sent Events response with useChat's headers, which reads back as the same message", async () => {
    await using server = await startFakeOpenAIServer({
      replies: [{ toolCalls: [{ name: "final_answer", arguments: { answer: "Hi there." } }] }],
    });
    const response = toUIMessageStreamResponse(toolCallingAgent(server.baseURL).run("Hi", { stream: true }), {
      headers: { "x-extra": "1" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(response.headers.get("x-vercel-ai-ui-message-stream")).toBe("v1");
    expect(response.headers.get("x-extra")).toBe("1");
    const body = await response.text();
    const events = body.split("\n\n").filter(Boolean);
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((event) => {
      expect(event.startsWith("data: ")).toBe(true);
      return JSON.parse(event.slice("data: ".length)) as SmolUIMessageChunk;
    });
    const { message } = await readBack(
      new ReadableStream({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      }),
    );
    expect(message.parts.at(-1)).toMatchObject({ type: "text", text: "Hi there." });
  });
});
