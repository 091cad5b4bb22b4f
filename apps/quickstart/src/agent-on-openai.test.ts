/**
 * The agent loop through the real OpenAI SDK, against the fake OpenAI server: the wire format,
 * streaming and faults of a real provider, with no paid model.
 */
import { AgentError, LogLevel, ToolCallingAgent } from "@smol/core";
import { OpenAIModel } from "@smol/models-openai";
import { startFakeOpenAIServer } from "@smol/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { quickstartReplies } from "./scripted-replies.js";
import { getWeather } from "./weather-tool.js";

const quiet = { verbosityLevel: LogLevel.OFF } as const;

function openAIModel(baseURL: string, options: Record<string, unknown> = {}) {
  return new OpenAIModel({
    modelId: "gpt-4o",
    apiBase: baseURL,
    apiKey: "sk-fake",
    retryBaseDelayMs: 1,
    ...options,
  });
}

describe("ToolCallingAgent on OpenAIModel", () => {
  it("runs the quickstart: a native tool call, then the final answer", async () => {
    await using server = await startFakeOpenAIServer({ replies: quickstartReplies });
    const agent = new ToolCallingAgent({ tools: [getWeather], model: openAIModel(server.baseURL), ...quiet });

    const answer = await agent.run("What's the weather like in Paris today?", { returnFullResult: true });

    expect(answer.output).toBe("It is sunny in Paris today: 24 °C with a light west wind.");
    expect(answer.tokenUsage?.inputTokens).toBeGreaterThan(0);
    const [first, second] = server.chatRequests;
    expect(first!.model).toBe("gpt-4o");
    expect(first!.tool_choice).toBe("required");
    expect(first!.tools.map((entry: { function: { name: string } }) => entry.function.name)).toEqual([
      "get_weather",
      "final_answer",
    ]);
    expect(first!.messages[0].role).toBe("system");
    // The observation of the first call reaches the model in the second request.
    expect(JSON.stringify(second!.messages)).toContain("Sunny, 24 °C, light wind from the west.");
  });

  it("runs the seed's example with streamed output, tool-call arguments arriving in fragments", async () => {
    await using server = await startFakeOpenAIServer({ replies: quickstartReplies, chunkSize: 3 });
    const agent = new ToolCallingAgent({
      tools: [getWeather],
      model: openAIModel(server.baseURL),
      streamOutputs: true,
      ...quiet,
    });

    let deltas = 0;
    let output: unknown;
    for await (const event of agent.run("What's the weather like in Paris today?", { stream: true })) {
      if (event.type === "stream-delta") deltas += 1;
      if (event.type === "final-answer") output = event.output;
    }
    expect(output).toBe("It is sunny in Paris today: 24 °C with a light west wind.");
    expect(deltas).toBeGreaterThan(4);
    expect(server.chatRequests[0]!.stream).toBe(true);
  });

  it("reads a JSON tool call written in the text when the server returns no native call", async () => {
    await using server = await startFakeOpenAIServer({
      replies: [
        'Action:\n```json\n{"name": "get_weather", "arguments": {"city": "Tokyo"}}\n```',
        '{"tool_call": {"name": "final_answer", "arguments": {"answer": "Cloudy in Tokyo."}}}',
      ],
    });
    const agent = new ToolCallingAgent({ tools: [getWeather], model: openAIModel(server.baseURL), ...quiet });
    await expect(agent.run("Weather in Tokyo?")).resolves.toBe("Cloudy in Tokyo.");
    expect(JSON.stringify(server.chatRequests[1]!.messages)).toContain("Cloudy, 19 °C.");
  });

  it("feeds malformed tool-call JSON from the server back to the model as an error", async () => {
    await using server = await startFakeOpenAIServer({
      replies: quickstartReplies,
      faults: [null, "malformed-tool-call"],
    });
    const agent = new ToolCallingAgent({ tools: [getWeather], model: openAIModel(server.baseURL), ...quiet });
    server.pushReplies(quickstartReplies[1]!);

    await expect(agent.run("Weather in Paris?")).resolves.toContain("sunny in Paris");
    expect(JSON.stringify(server.chatRequests[2]!.messages)).toContain("not valid JSON");
  });
});

describe("faults on a third of the requests", () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on("unhandledRejection", onUnhandled);
  });
  afterEach(() => {
    process.off("unhandledRejection", onUnhandled);
  });

  it.each([false, true])(
    "ends every run with an answer or a typed error (streaming: %s)",
    async (streamOutputs) => {
      await using server = await startFakeOpenAIServer({
        replies: () => quickstartReplies[0]!,
        faults: { probability: 1 / 3, seed: streamOutputs ? 7 : 3 },
      });
      // A model that calls the tool until it must answer from memory: many requests per run.
      const outcomes = await Promise.allSettled(
        Array.from({ length: 8 }, () =>
          new ToolCallingAgent({
            tools: [getWeather],
            model: openAIModel(server.baseURL, { maxRetries: 2 }),
            maxSteps: 3,
            streamOutputs,
            ...quiet,
          }).run("Weather in Paris?"),
        ),
      );

      expect(server.requests.some((request) => request.fault)).toBe(true);
      for (const outcome of outcomes) {
        if (outcome.status === "rejected") expect(AgentError.isInstance(outcome.reason)).toBe(true);
      }
      expect(outcomes.some((outcome) => outcome.status === "fulfilled")).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    },
  );
});
