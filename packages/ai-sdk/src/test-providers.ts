/**
 * The AI SDK providers the tests run against the fake OpenAI server: `@ai-sdk/openai` of AI
 * SDK 5, 6 and 7 (specification v2, v3, v4) and `@ai-sdk/openai-compatible`. Only tests import it.
 */
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { createOpenAI as createOpenAI2 } from "ai-sdk-openai-2";
import { createOpenAI as createOpenAI3 } from "ai-sdk-openai-3";
import { createOpenAI as createOpenAI4 } from "ai-sdk-openai-4";
import type { AiSdkLanguageModel } from "./language-model.js";

export interface TestProvider {
  name: string;
  specificationVersion: string;
  chatModel(baseURL: string, modelId?: string, apiKey?: string): AiSdkLanguageModel;
}

export const testProviders: TestProvider[] = [
  {
    name: "@ai-sdk/openai 2 (AI SDK 5)",
    specificationVersion: "v2",
    chatModel: (baseURL, modelId = "fake-model", apiKey = "test") =>
      createOpenAI2({ baseURL, apiKey }).chat(modelId),
  },
  {
    name: "@ai-sdk/openai 3 (AI SDK 6)",
    specificationVersion: "v3",
    chatModel: (baseURL, modelId = "fake-model", apiKey = "test") =>
      createOpenAI3({ baseURL, apiKey }).chat(modelId),
  },
  {
    name: "@ai-sdk/openai 4 (AI SDK 7)",
    specificationVersion: "v4",
    chatModel: (baseURL, modelId = "fake-model", apiKey = "test") =>
      createOpenAI4({ baseURL, apiKey }).chat(modelId),
  },
  {
    name: "@ai-sdk/openai-compatible",
    specificationVersion: "v4",
    chatModel: (baseURL, modelId = "fake-model", apiKey = "test") =>
      createOpenAICompatible({ name: "fake", baseURL, apiKey, includeUsage: true }).chatModel(modelId),
  },
];
