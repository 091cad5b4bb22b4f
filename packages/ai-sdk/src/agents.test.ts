/**
 * smol's agents on AI SDK models end to end: a CodeAgent whose code runs in the real Pyodide
 * sandbox and calls a tool, and a ToolCallingAgent with native tool calls, on each provider.
 */
import { CodeAgent, LogLevel, ToolCallingAgent, tool } from "@smol/core";
import { LocalPythonExecutor } from "@smol/executor-local";
import { startFakeOpenAIServer } from "@smol/testing";
import { describe, expect, it } from "vitest";
import { AiSdkModel } from "./ai-sdk-model.js";
import { testProviders } from "./test-providers.js";

const getWeather = tool(
  {
    name: "get_weather",
    description: "The weather in a city.",
    inputs: { city: { type: "string", description: "The city." } },
    outputType: "string",
  },
  async ({ city }) => `Sunny in ${city}`,
);

describe.each(testProviders)("agents on $name", (provider) => {
  it("a CodeAgent streams its steps, runs the code in the sandbox and answers", async () => {
    await using server = await startFakeOpenAIServer({
      replies: [
        "Thought: I ask the tool.\n<code>\nweather = get_weather(city='Paris')\nprint(weather)\n</code>",
        "Thought: I have it.\n<code>\nfinal_answer(weather.upper() + '!')\n</code>",
      ],
    });
    const executor = new LocalPythonExecutor();
    try {
      const agent = new CodeAgent({
        tools: [getWeather],
        model: new AiSdkModel(provider.chatModel(server.baseURL), { maxRetries: 0 }),
        executor,
        streamOutputs: true,
        verbosityLevel: LogLevel.OFF,
      });
      const answer = await agent.run("What is the weather in Paris?");
      expect(answer).toBe("SUNNY IN PARIS!");
      expect(server.chatRequests).toHaveLength(2);
      expect(server.chatRequests.every((body) => body.stream === true)).toBe(true);
      // The second call shows the model what the first step's code printed.
      expect(JSON.stringify(server.chatRequests[1]!.messages)).toContain("Sunny in Paris");
      expect(agent.monitor.tokenUsage?.inputTokens).toBeGreaterThan(0);
    } finally {
      await executor.cleanup();
    }
  });

  it("a ToolCallingAgent calls the tool natively and answers with final_answer", async () => {
    await using server = await startFakeOpenAIServer({
      replies: [
        { toolCalls: [{ id: "call_weather", name: "get_weather", arguments: { city: "Lyon" } }] },
        { toolCalls: [{ id: "call_answer", name: "final_answer", arguments: { answer: "Lyon is sunny." } }] },
      ],
    });
    const agent = new ToolCallingAgent({
      tools: [getWeather],
      model: new AiSdkModel(provider.chatModel(server.baseURL), { maxRetries: 0 }),
      verbosityLevel: LogLevel.OFF,
    });
    const answer = await agent.run("Weather in Lyon?");
    expect(answer).toBe("Lyon is sunny.");
    const first = server.chatRequests[0]!;
    expect(first.tools.map((entry: { function: { name: string } }) => entry.function.name).sort()).toEqual([
      "final_answer",
      "get_weather",
    ]);
    expect(JSON.stringify(server.chatRequests[1]!.messages)).toContain("Sunny in Lyon");
  });
});
