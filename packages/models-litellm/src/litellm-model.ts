import {
  type ChatMessage,
  type ChatMessageStreamDelta,
  type GenerateOptions,
  type Model,
  ModelConfigurationError,
  messageText,
} from "@smol/core";
import { decodeRemoveParameters, encodeRemoveParameters, withoutSecrets } from "@smol/core/provider-kit";
import { loadProviderClass } from "./load-provider.js";
import { type Provider, type Route, resolveRoute } from "./route.js";

export interface LiteLLMModelOptions {
  /** A LiteLLM model id: `"ollama_chat/llama3.2"`, `"anthropic/claude-3-5-sonnet-latest"`, `"azure/<deployment>"`, `"gpt-4o"`, … */
  modelId?: string;
  /** @deprecated Same as `modelId` (smolagents writes `model_name` once). */
  modelName?: string;
  /** The provider's URL (Ollama's host, an OpenAI-compatible server, the Azure resource), or a LiteLLM proxy's. */
  baseUrl?: string;
  /** @deprecated LiteLLM's and smolagents' name for `baseUrl`. */
  apiBase?: string;
  /** The provider's key; Azure reads AZURE_API_KEY when absent, the others their usual variable. */
  apiKey?: string;
  /** Azure's API version; default: the AZURE_API_VERSION environment variable. */
  apiVersion?: string;
  /** Ollama's context window (`num_ctx`). */
  numCtx?: number;
  /** Send every request to the LiteLLM proxy at `apiBase`, under the full model id. */
  proxy?: boolean;
  /** Anything else (`temperature`, `max_tokens`, `maxRetries`, `REMOVE_PARAMETER` values, …) goes to the provider's model. */
  [option: string]: unknown;
}

const ownOptionNames = new Set([
  "modelId",
  "modelName",
  "baseUrl",
  "apiBase",
  "apiKey",
  "apiVersion",
  "numCtx",
  "proxy",
]);

/**
 * LiteLLM's way of naming models, in TypeScript: a `provider/model` id picks the smol package that
 * serves the provider (`ollama_chat/` and `ollama/` → @smol/models-ollama, `anthropic/` →
 * @smol/models-anthropic, `azure/` → @smol/models-azure, `bedrock/` → @smol/models-bedrock,
 * `openai/` or a bare `gpt-4o` → @smol/models-openai, `huggingface/` → @smol/models-hf), loaded
 * on first use; a package that is not installed gives an error naming it. With `proxy: true`, or an
 * `apiBase` and a prefix smol does not serve, requests go to a LiteLLM proxy instead.
 *
 * @example
 * import { CodeAgent } from "@smol/core";
 * import { LiteLLMModel } from "@smol/models-litellm";
 *
 * const model = new LiteLLMModel({
 *   modelId: "ollama_chat/llama3.2",
 *   apiBase: "http://localhost:11434",
 *   apiKey: "YOUR_API_KEY",
 *   numCtx: 8192,
 * });
 * const agent = new CodeAgent({ tools: [], model, addBaseTools: true });
 * await agent.run("Could you give me the 118th number in the Fibonacci sequence?");
 */
export class LiteLLMModel implements Model {
  /** The id as given, prefix included. */
  readonly modelId: string;
  /** Who serves it: `"ollama"`, `"anthropic"`, `"azure"`, `"bedrock"`, `"openai"`, `"huggingface"`, or `"proxy"`. */
  readonly provider: Provider | "proxy";
  private readonly route: Route;
  private readonly options: Record<string, unknown>;
  private model: Promise<Model> | undefined;

  constructor(options: LiteLLMModelOptions) {
    const modelId = options.modelId ?? options.modelName;
    if (typeof modelId !== "string" || modelId.trim() === "") {
      throw new ModelConfigurationError(
        'LiteLLMModel needs a modelId, e.g. new LiteLLMModel({ modelId: "anthropic/claude-3-5-sonnet-latest" }).',
      );
    }
    if (
      options.modelId !== undefined &&
      options.modelName !== undefined &&
      options.modelId !== options.modelName
    ) {
      throw new ModelConfigurationError(
        "LiteLLMModel takes `modelId` or its alias `modelName`, not two different names.",
      );
    }
    this.modelId = modelId;
    this.options = { ...options };
    const passthrough = Object.fromEntries(
      Object.entries(options).filter(([key]) => !ownOptionNames.has(key)),
    );
    this.route = resolveRoute({
      modelId,
      apiBase: options.baseUrl ?? options.apiBase,
      apiKey: options.apiKey,
      apiVersion: options.apiVersion,
      numCtx: options.numCtx,
      proxy: options.proxy,
      passthrough,
    });
    this.provider = this.route.provider;
  }

  /**
   * The provider's model, loaded and built on first use. Call it to check early that the package
   * is installed and the options are complete.
   *
   * @example
   * const anthropic = await new LiteLLMModel({ modelId: "anthropic/claude-3-5-sonnet-latest" }).load();
   */
  load(): Promise<Model> {
    this.model ??= loadProviderClass(this.route, this.modelId).then(
      (ModelClass) => new ModelClass(this.route.options),
    );
    // A failed load is not cached: the user may install the package and try again.
    this.model.catch(() => {
      this.model = undefined;
    });
    return this.model;
  }

  async generate(messages: ChatMessage[], options?: GenerateOptions): Promise<ChatMessage> {
    return (await this.load()).generate(messages, options);
  }

  async *generateStream(
    messages: ChatMessage[],
    options?: GenerateOptions,
  ): AsyncGenerator<ChatMessageStreamDelta> {
    const model = await this.load();
    if (model.generateStream) {
      yield* model.generateStream(messages, options);
      return;
    }
    // A provider without streaming: its whole reply as one delta.
    const message = await model.generate(messages, options);
    const delta: ChatMessageStreamDelta = { content: messageText(message) };
    if (message.toolCalls?.length) {
      delta.toolCalls = message.toolCalls.map((call, index) => ({
        index,
        id: call.id,
        type: "function",
        function: {
          name: call.function.name,
          arguments:
            typeof call.function.arguments === "string"
              ? call.function.arguments
              : JSON.stringify(call.function.arguments),
        },
      }));
    }
    if (message.tokenUsage) delta.tokenUsage = message.tokenUsage;
    yield delta;
  }

  /** A JSON-able description without secrets; `LiteLLMModel.fromDict` rebuilds the model from it. */
  toDict(): Record<string, unknown> {
    const { modelName: _alias, ...options } = this.options;
    return withoutSecrets({
      class: "LiteLLMModel",
      ...encodeRemoveParameters({ ...options, modelId: this.modelId }),
    });
  }

  static fromDict(data: Record<string, unknown>): LiteLLMModel {
    const { class: className, ...options } = data;
    if (className !== undefined && className !== "LiteLLMModel") {
      throw new ModelConfigurationError(
        `This description is of a ${String(className)}, not of a LiteLLMModel.`,
      );
    }
    return new LiteLLMModel(decodeRemoveParameters(options) as LiteLLMModelOptions);
  }
}
