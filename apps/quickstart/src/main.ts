/**
 * smol's quickstart: a ToolCallingAgent with one tool, on OpenAIModel. The model is a local fake
 * OpenAI server that replays scripted replies, so this runs without an API key or a network;
 * point `apiBase` and `apiKey` at a real server to use a real model.
 */
import { ToolCallingAgent } from "@smol/core";
import { OpenAIModel } from "@smol/models-openai";
import { startFakeOpenAIServer } from "@smol/testing";
import { quickstartReplies } from "./scripted-replies.js";
import { getWeather } from "./weather-tool.js";

const server = await startFakeOpenAIServer({ replies: quickstartReplies });
try {
  const model = new OpenAIModel({ modelId: "gpt-4o", apiBase: server.baseURL, apiKey: "sk-fake" });
  const agent = new ToolCallingAgent({ tools: [getWeather], model });
  const answer = await agent.run("What's the weather like in Paris today?");
  console.log(`\nAnswer: ${String(answer)}`);
} finally {
  await server.close();
}
