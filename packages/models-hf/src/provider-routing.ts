import { INFERENCE_PROVIDERS, type InferenceProviderOrPolicy } from "@huggingface/inference";
import { ModelConfigurationError } from "@smol/core";

/** Where one model's requests go, in the terms `InferenceClient.chatCompletion` takes. */
export interface HFRouting {
  /** The model name sent in the body (a Hub id, possibly with a `:provider` suffix). */
  model: string;
  provider?: InferenceProviderOrPolicy;
  endpointUrl?: string;
  /** For messages: "the Hugging Face router (together)", "http://…". */
  description: string;
}

/**
 * Decide how to reach a model:
 * - a `baseUrl` (a dedicated Inference Endpoint, TGI, any OpenAI-compatible server) is called directly;
 * - `"auto"` (the default) goes to HF's router, which picks the first provider serving the model;
 * - a provider the SDK knows (`"together"`, `"cerebras"`, …) is resolved by the SDK through the Hub's
 *   provider mapping, and called through the router with an HF token or directly with the provider's key;
 * - another provider name (`"sambanova"`, `"nebius"`, …, served by the router but unknown to this SDK
 *   version) goes to the router with the model written `model:provider`, the router's own way of
 *   choosing a provider.
 *
 * @example
 * resolveRouting({ modelId: "meta-llama/Llama-3.3-70B-Instruct", provider: "sambanova" });
 * // { model: "meta-llama/Llama-3.3-70B-Instruct:sambanova", provider: "auto", … }
 */
export function resolveRouting(options: { modelId: string; provider?: string; baseUrl?: string }): HFRouting {
  const { modelId, provider, baseUrl } = options;
  if (baseUrl !== undefined) {
    if (provider !== undefined && provider !== "auto") {
      throw new ModelConfigurationError(
        `InferenceClientModel takes either a baseUrl or a provider, not both (got provider "${provider}" and baseUrl "${baseUrl}").`,
      );
    }
    return { model: modelId, endpointUrl: baseUrl, description: baseUrl };
  }
  if (provider === undefined || provider === "auto") {
    return { model: modelId, provider: "auto", description: "The Hugging Face router" };
  }
  if ((INFERENCE_PROVIDERS as readonly string[]).includes(provider)) {
    return {
      model: modelId,
      provider: provider as InferenceProviderOrPolicy,
      description: `The inference provider "${provider}"`,
    };
  }
  if (!/^[a-z0-9][a-z0-9-]*$/.test(provider)) {
    throw new ModelConfigurationError(
      `"${provider}" is not an inference provider name. Use "auto" or a provider such as "together", "sambanova" or "cerebras".`,
    );
  }
  return {
    model: `${modelId}:${provider}`,
    provider: "auto",
    description: `The Hugging Face router (provider "${provider}")`,
  };
}
