import { ModelConfigurationError } from "@smol/core";
import { describe, expect, it } from "vitest";
import { resolveRouting } from "./provider-routing.js";

const modelId = "meta-llama/Llama-3.3-70B-Instruct";

describe("resolveRouting", () => {
  it("sends 'auto' and no provider to the router as is", () => {
    expect(resolveRouting({ modelId })).toMatchObject({ model: modelId, provider: "auto" });
    expect(resolveRouting({ modelId, provider: "auto" })).toMatchObject({ model: modelId, provider: "auto" });
  });

  it("leaves a provider the SDK knows to the SDK", () => {
    expect(resolveRouting({ modelId, provider: "together" })).toMatchObject({
      model: modelId,
      provider: "together",
    });
  });

  it("asks the router for another provider with the model:provider suffix", () => {
    expect(resolveRouting({ modelId, provider: "sambanova" })).toMatchObject({
      model: `${modelId}:sambanova`,
      provider: "auto",
    });
  });

  it("calls a base URL directly, and refuses one with a provider", () => {
    expect(resolveRouting({ modelId, baseUrl: "http://127.0.0.1:8080" })).toEqual({
      model: modelId,
      endpointUrl: "http://127.0.0.1:8080",
      description: "http://127.0.0.1:8080",
    });
    expect(() => resolveRouting({ modelId, provider: "together", baseUrl: "http://127.0.0.1:8080" })).toThrow(
      ModelConfigurationError,
    );
  });

  it("refuses a provider name that cannot be one", () => {
    expect(() => resolveRouting({ modelId, provider: "Together AI" })).toThrow(
      /not an inference provider name/,
    );
  });
});
