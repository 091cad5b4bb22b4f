/**
 * Every model class the CLI can build, the package that provides it, and how the command line's
 * `--model-id`, `--provider`, `--api-base` and `--api-key` read for it (each class names its
 * options its own way: `baseUrl`, `host`, `azureEndpoint`, `token`, …).
 */

/** The flags that concern the model, as the user gave them. */
export interface ModelFlags {
  modelId?: string;
  provider?: string;
  apiBase?: string;
  apiKey?: string;
}

export interface ModelTypeEntry {
  /** The class name, as given to `--model-type`. */
  className: string;
  packageName: string;
  /** One line for `--help` and the interactive mode. */
  summary: string;
  /** Used when no `--model-id` is given; undefined when the class has its own default. */
  defaultModelId?: string;
  /** The class cannot work without a model id (and has no default). */
  requiresModelId: boolean;
  /** The environment variable holding its key, named in error messages. */
  apiKeyVariable?: string;
  /** What `--api-base` means for it, for help and prompts; undefined: not used. */
  apiBaseMeaning?: string;
  /**
   * Its client insists on a key, but servers at `--api-base` often check none (llama.cpp,
   * vLLM, LM Studio, Ollama's /v1): with no key given, they get `PLACEHOLDER_API_KEY`.
   */
  keyOptionalWithApiBase?: boolean;
  /** Whether `--provider` means something for it. */
  takesProvider: boolean;
  /** The constructor options for these flags. */
  toOptions(flags: ModelFlags): Record<string, unknown>;
}

/** The key sent to a server at `--api-base` when none is given; a server that checks keys refuses it. */
export const PLACEHOLDER_API_KEY = "no-key-given";

function defined(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

export const MODEL_TYPES: readonly ModelTypeEntry[] = [
  {
    className: "InferenceClientModel",
    packageName: "@smol/models-hf",
    summary: "Hugging Face Inference Providers (HF_TOKEN)",
    requiresModelId: false,
    apiKeyVariable: "HF_TOKEN",
    apiBaseMeaning: "an Inference Endpoint or any OpenAI-compatible URL instead of the router",
    takesProvider: true,
    toOptions: (flags) =>
      defined({
        modelId: flags.modelId,
        provider: flags.provider,
        token: flags.apiKey,
        baseUrl: flags.apiBase,
      }),
  },
  {
    className: "OpenAIModel",
    packageName: "@smol/models-openai",
    summary: "OpenAI, or any OpenAI-compatible server with --api-base (vLLM, llama.cpp, LM Studio)",
    defaultModelId: "gpt-4o",
    requiresModelId: true,
    apiKeyVariable: "OPENAI_API_KEY",
    apiBaseMeaning: "the server's base URL, e.g. http://127.0.0.1:8000/v1",
    keyOptionalWithApiBase: true,
    takesProvider: false,
    toOptions: (flags) => defined({ modelId: flags.modelId, apiBase: flags.apiBase, apiKey: flags.apiKey }),
  },
  {
    className: "AnthropicModel",
    packageName: "@smol/models-anthropic",
    summary: "Claude through Anthropic's Messages API (ANTHROPIC_API_KEY)",
    defaultModelId: "claude-sonnet-4-5",
    requiresModelId: true,
    apiKeyVariable: "ANTHROPIC_API_KEY",
    apiBaseMeaning: "another base URL for the Messages API",
    takesProvider: false,
    toOptions: (flags) => defined({ modelId: flags.modelId, baseUrl: flags.apiBase, apiKey: flags.apiKey }),
  },
  {
    className: "OllamaModel",
    packageName: "@smol/models-ollama",
    summary: "a local or remote Ollama server",
    requiresModelId: true,
    apiBaseMeaning: "the Ollama server, default http://127.0.0.1:11434",
    takesProvider: false,
    toOptions: (flags) => defined({ modelId: flags.modelId, host: flags.apiBase, apiKey: flags.apiKey }),
  },
  {
    className: "LiteLLMModel",
    packageName: "@smol/models-litellm",
    summary: "provider/model ids (ollama_chat/…, anthropic/…, azure/…) or a LiteLLM proxy",
    requiresModelId: true,
    apiBaseMeaning: "the provider's URL, or a LiteLLM proxy",
    takesProvider: false,
    toOptions: (flags) => defined({ modelId: flags.modelId, apiBase: flags.apiBase, apiKey: flags.apiKey }),
  },
  {
    className: "AzureOpenAIModel",
    packageName: "@smol/models-azure",
    summary: "OpenAI models deployed on Azure (AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY)",
    requiresModelId: true,
    apiKeyVariable: "AZURE_OPENAI_API_KEY",
    apiBaseMeaning: "https://<resource>.openai.azure.com",
    takesProvider: false,
    toOptions: (flags) =>
      defined({ modelId: flags.modelId, azureEndpoint: flags.apiBase, apiKey: flags.apiKey }),
  },
  {
    className: "AmazonBedrockModel",
    packageName: "@smol/models-bedrock",
    summary: "Amazon Bedrock (AWS credentials from the usual places)",
    requiresModelId: true,
    apiBaseMeaning: "another Bedrock runtime endpoint",
    takesProvider: false,
    toOptions: (flags) =>
      defined({
        modelId: flags.modelId,
        clientOptions: flags.apiBase ? { endpoint: flags.apiBase } : undefined,
      }),
  },
  {
    className: "TransformersModel",
    packageName: "@smol/models-transformers",
    summary: "local inference in Node with transformers.js",
    requiresModelId: true,
    takesProvider: false,
    toOptions: (flags) => defined({ modelId: flags.modelId }),
  },
  {
    className: "LlamaCppModel",
    packageName: "@smol/models-llamacpp",
    summary: "a local GGUF model with node-llama-cpp (--model-id: a .gguf path, hf:user/repo:quant or a URL)",
    requiresModelId: true,
    takesProvider: false,
    // The model id is a GGUF file on disk, or a model to download (`hf:user/repo:quant`, an https URL).
    toOptions: (flags) =>
      /^(hf:|https?:\/\/)/.test(flags.modelId ?? "")
        ? defined({ modelUri: flags.modelId })
        : defined({ modelPath: flags.modelId }),
  },
  {
    className: "MLXModel",
    packageName: "@smol/models-mlx",
    summary: "mlx-lm on Apple silicon",
    requiresModelId: true,
    apiBaseMeaning: "a running mlx_lm.server to attach to",
    takesProvider: false,
    toOptions: (flags) => defined({ modelId: flags.modelId, apiBase: flags.apiBase }),
  },
];

/** Other names users bring from smolagents. */
const ALIASES: Record<string, string> = {
  // smolagents' old name; its own CLI failed on it, here it simply works.
  OpenAIServerModel: "OpenAIModel",
  HfApiModel: "InferenceClientModel",
};

/**
 * The entry for a `--model-type` value; case does not matter. Undefined when unknown.
 *
 * @example
 * findModelType("openaimodel")?.packageName; // "@smol/models-openai"
 */
export function findModelType(name: string): ModelTypeEntry | undefined {
  const wanted = name.trim().toLowerCase();
  const aliased = Object.entries(ALIASES).find(([alias]) => alias.toLowerCase() === wanted)?.[1];
  const className = (aliased ?? name).trim().toLowerCase();
  return MODEL_TYPES.find((entry) => entry.className.toLowerCase() === className);
}

export const MODEL_TYPE_NAMES = MODEL_TYPES.map((entry) => entry.className);
