import { ModelConfigurationError } from "@smol/core";

/** The smol package and class that serve one provider. */
export interface ProviderPackage {
  packageName: string;
  className: string;
}

export const providerPackages = {
  ollama: { packageName: "@smol/models-ollama", className: "OllamaModel" },
  anthropic: { packageName: "@smol/models-anthropic", className: "AnthropicModel" },
  azure: { packageName: "@smol/models-azure", className: "AzureOpenAIModel" },
  bedrock: { packageName: "@smol/models-bedrock", className: "AmazonBedrockModel" },
  openai: { packageName: "@smol/models-openai", className: "OpenAIModel" },
  huggingface: { packageName: "@smol/models-hf", className: "InferenceClientModel" },
} as const satisfies Record<string, ProviderPackage>;

export type Provider = keyof typeof providerPackages;

/** LiteLLM's model prefixes that smol serves, and the provider behind each. */
const prefixes: Record<string, Provider> = {
  ollama_chat: "ollama",
  ollama: "ollama",
  anthropic: "anthropic",
  azure: "azure",
  bedrock: "bedrock",
  openai: "openai",
  huggingface: "huggingface",
};

/** The options LiteLLMModel reads itself; every other option goes to the provider's model as is. */
export interface RouteOptions {
  modelId: string;
  apiBase?: string;
  apiKey?: string;
  apiVersion?: string;
  numCtx?: number;
  proxy?: boolean;
  passthrough: Record<string, unknown>;
}

/** Where a LiteLLM model id goes: which package, which class, built with which options. */
export interface Route extends ProviderPackage {
  /** `"ollama"`, `"anthropic"`, …, or `"proxy"` for a LiteLLM proxy. */
  provider: Provider | "proxy";
  options: Record<string, unknown>;
}

/**
 * Read a LiteLLM model id (`provider/model`) the way LiteLLM does and pick the smol package that
 * serves it, translating LiteLLM's options (`apiBase`, `apiKey`, `numCtx`, Azure's `AZURE_API_*`
 * environment variables) into that package's. With `proxy: true`, or with an `apiBase` and a
 * prefix smol does not serve (`gemini/…`, `groq/…`), everything goes to a LiteLLM proxy through
 * its OpenAI-compatible API, under the full id. A bare name goes to OpenAI (`gpt-4o`) or
 * Anthropic (`claude-…`), as LiteLLM guesses.
 *
 * @example
 * resolveRoute({ modelId: "ollama_chat/llama3.2", apiBase: "http://localhost:11434", numCtx: 8192, passthrough: {} });
 * // { provider: "ollama", packageName: "@smol/models-ollama", className: "OllamaModel",
 * //   options: { modelId: "llama3.2", host: "http://localhost:11434", numCtx: 8192 } }
 */
export function resolveRoute(options: RouteOptions): Route {
  const { modelId, apiBase, apiKey, passthrough } = options;
  const slash = modelId.indexOf("/");
  const prefix = slash === -1 ? undefined : modelId.slice(0, slash);
  const rest = slash === -1 ? modelId : modelId.slice(slash + 1);
  const provider = prefix !== undefined ? prefixes[prefix] : guessBareProvider(modelId);

  if (options.proxy || (provider === undefined && apiBase !== undefined)) {
    if (apiBase === undefined) {
      throw new ModelConfigurationError(
        "LiteLLMModel with proxy: true needs `apiBase`, the URL of your LiteLLM proxy.",
      );
    }
    // A proxy started without a master key checks none, but the OpenAI client insists on one.
    const proxyKey = apiKey ?? process.env.LITELLM_API_KEY ?? process.env.OPENAI_API_KEY ?? "no-key";
    return {
      provider: "proxy",
      ...providerPackages.openai,
      options: { ...passthrough, modelId, baseUrl: apiBase, apiKey: proxyKey },
    };
  }
  if (provider === undefined) {
    throw new ModelConfigurationError(
      `LiteLLMModel cannot tell which provider serves "${modelId}". Prefix it with one smol serves ` +
        `(${Object.keys(prefixes).join("/, ")}/), e.g. "ollama_chat/llama3.2", or give the \`apiBase\` of a LiteLLM proxy.`,
    );
  }
  return {
    provider,
    ...providerPackages[provider],
    options: { ...passthrough, ...providerOptions(provider, rest, options) },
  };
}

function providerOptions(provider: Provider, model: string, options: RouteOptions): Record<string, unknown> {
  const { apiBase, apiKey } = options;
  switch (provider) {
    case "ollama":
      return defined({ modelId: model, baseUrl: apiBase, numCtx: options.numCtx, apiKey });
    case "anthropic":
      return defined({ modelId: model, apiKey, baseUrl: apiBase });
    case "azure":
      // LiteLLM's own variables first; AzureOpenAIModel then falls back to AZURE_OPENAI_*.
      return defined({
        modelId: model,
        apiKey: apiKey ?? process.env.AZURE_API_KEY,
        azureEndpoint: apiBase ?? process.env.AZURE_API_BASE,
        apiVersion: options.apiVersion ?? process.env.AZURE_API_VERSION,
      });
    case "bedrock":
      return defined({
        modelId: model,
        clientOptions:
          apiBase !== undefined
            ? { ...(options.passthrough.clientOptions as object), endpoint: apiBase }
            : undefined,
      });
    case "openai":
      return defined({ modelId: model, apiKey, baseUrl: apiBase });
    case "huggingface":
      return { ...huggingFaceModel(model), ...defined({ token: apiKey, baseUrl: apiBase }) };
  }
}

/** `huggingface/together/meta-llama/Llama-3.3-70B-Instruct`: a Hub id has one slash, so a third segment names the provider. */
function huggingFaceModel(model: string): { modelId: string; provider?: string } {
  const segments = model.split("/");
  return segments.length >= 3
    ? { provider: segments[0], modelId: segments.slice(1).join("/") }
    : { modelId: model };
}

function guessBareProvider(modelId: string): Provider | undefined {
  if (/^(gpt-|chatgpt-|o1|o3|o4|text-|davinci|babbage)/i.test(modelId)) return "openai";
  if (/^claude-/i.test(modelId)) return "anthropic";
  return undefined;
}

function defined(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
