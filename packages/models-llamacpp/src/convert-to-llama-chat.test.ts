import { ModelConfigurationError, REMOVE_PARAMETER } from "@smol/core";
import { describe, expect, it } from "vitest";
import { checkGenerationParameters, toChatHistory, toGenerationParameters } from "./convert-to-llama-chat.js";

describe("toChatHistory", () => {
  it("maps roles to node-llama-cpp's items and ends with the model turn to write", () => {
    expect(
      toChatHistory([
        { role: "system", content: "Be brief." },
        {
          role: "user",
          content: [
            { type: "text", text: "Look: " },
            { type: "image", image: "aGk=" },
            { type: "text", text: "ok?" },
          ],
        },
        { role: "assistant", content: "Yes." },
        { role: "user", content: "Again" },
      ]),
    ).toEqual([
      { type: "system", text: "Be brief." },
      { type: "user", text: "Look: ok?" },
      { type: "model", response: ["Yes."] },
      { type: "user", text: "Again" },
      { type: "model", response: [] },
    ]);
  });
});

describe("toGenerationParameters", () => {
  it("sends stop sequences as custom stop triggers and renames other providers' spellings", () => {
    expect(toGenerationParameters({ max_tokens: 64, top_p: 0.9, temperature: 0 }, ["Observation:"])).toEqual({
      customStopTriggers: ["Observation:"],
      maxTokens: 64,
      topP: 0.9,
      temperature: 0,
    });
  });

  it("lets REMOVE_PARAMETER delete a key, the stop triggers included", () => {
    expect(toGenerationParameters({ customStopTriggers: REMOVE_PARAMETER, seed: 1 }, ["x"])).toEqual({
      seed: 1,
    });
  });
});

describe("checkGenerationParameters", () => {
  it("refuses an option node-llama-cpp would ignore", () => {
    expect(() =>
      checkGenerationParameters({ temperature: 0.2, maxNewTokens: 10, stop: ["x"] }),
    ).not.toThrow();
    expect(() => checkGenerationParameters({ presence_penalty: 1 })).toThrow(ModelConfigurationError);
  });
});
