import { OllamaModel } from "@smol/models-ollama";
import { OpenAIModel } from "@smol/models-openai";
import { describe, expect, it } from "vitest";
import { chooseModel, ProviderChoiceError, providerFromEnvironment } from "./choose-model.js";

describe("providerFromEnvironment", () => {
  it("takes SMOL_PROVIDER first, then the first key found, then Ollama", () => {
    expect(providerFromEnvironment({ SMOL_PROVIDER: "Anthropic", OPENAI_API_KEY: "k" })).toBe("anthropic");
    expect(providerFromEnvironment({ HF_TOKEN: "t", ANTHROPIC_API_KEY: "k" })).toBe("hf");
    expect(providerFromEnvironment({})).toBe("ollama");
  });

  it("names the known providers when SMOL_PROVIDER is wrong", () => {
    expect(() => providerFromEnvironment({ SMOL_PROVIDER: "gemini" })).toThrow(ProviderChoiceError);
    expect(() => providerFromEnvironment({ SMOL_PROVIDER: "gemini" })).toThrow(
      /openai, hf, anthropic, ollama/,
    );
  });
});

describe("chooseModel", () => {
  it("uses SMOL_MODEL_ID over the provider's default", async () => {
    await using chosen = await chooseModel({
      fake: false,
      fakeReplies: [],
      environment: { SMOL_MODEL_ID: "llama3.2" },
    });
    expect(chosen.model).toBeInstanceOf(OllamaModel);
    expect(chosen.model.modelId).toBe("llama3.2");
    expect(chosen.description).toBe("ollama (llama3.2)");
  });

  it("answers from the fake server's script with --fake", async () => {
    await using chosen = await chooseModel({ fake: true, fakeReplies: ["Hello from the script"] });
    expect(chosen.model).toBeInstanceOf(OpenAIModel);
    const reply = await chosen.model.generate([{ role: "user", content: "Hi" }]);
    expect(reply.content).toBe("Hello from the script");
  });
});
