import {
  type ChatMessage,
  type ChatMessageStreamDelta,
  ModelApiError,
  ModelConfigurationError,
} from "@smol/core";
import { ApiModel, type ApiModelOptions, type CompletionRequest } from "@smol/core/provider-kit";
import { aiSdkErrorToModelApiError } from "./ai-sdk-errors.js";
import { fromGenerateResult, StreamPartConverter } from "./from-ai-sdk-result.js";
import { type AiSdkLanguageModel, checkLanguageModel } from "./language-model.js";
import { CALL_OPTION_NAMES, toCallOptions } from "./to-call-options.js";

/**
 * `ApiModel`'s options, with `modelId` optional (it defaults to the language model's). Any other
 * key is an AI SDK call option, spelled as the specification spells it: it goes into every call
 * and wins over what smol computed; `REMOVE_PARAMETER` deletes the key.
 */
export interface AiSdkModelOptions extends Partial<ApiModelOptions> {
  /** The id smol shows and saves; default the language model's `modelId`. */
  modelId?: string;
  maxOutputTokens?: number;
  topP?: number;
  topK?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
  /** Extra HTTP headers for every call. */
  headers?: Record<string, string | undefined>;
  /** Options for the provider, by provider name: `{ openai: { reasoningEffort: "low" } }`. */
  providerOptions?: Record<string, Record<string, unknown>>;
}

/** Both ways of calling the model, with the call options typed loosely: each version types them its own way. */
interface LanguageModelCalls {
  doGenerate(options: unknown): PromiseLike<{ content: unknown[]; usage: unknown }>;
  doStream(options: unknown): PromiseLike<{ stream: ReadableStream<unknown> }>;
}

/**
 * Any AI SDK language model as a smol model: the providers of AI SDK 5, 6 and 7 (specification
 * v2, v3, v4), such as `openai.chat("gpt-4o")` from `@ai-sdk/openai`, `createOpenAICompatible(…)`
 * or a community provider. smol's `ApiModel` gives it retries with backoff and `Retry-After`,
 * rate limiting, client-side stop sequences where the model takes none, and typed errors; the
 * model's provider does the HTTP. No `ai` package is needed.
 *
 * @example
 * import { openai } from "@ai-sdk/openai";
 * import { CodeAgent } from "@smol/core";
 * import { AiSdkModel } from "@smol/ai-sdk";
 *
 * const agent = new CodeAgent({ tools: [], model: new AiSdkModel(openai.chat("gpt-4o"), { temperature: 0 }) });
 */
export class AiSdkModel extends ApiModel {
  protected readonly providerName: string;
  /** The AI SDK model every call goes to. */
  readonly languageModel: AiSdkLanguageModel;

  constructor(languageModel: AiSdkLanguageModel, options: AiSdkModelOptions = {}) {
    const model = checkLanguageModel(languageModel);
    super({ ...options, modelId: options.modelId ?? model.modelId }, CALL_OPTION_NAMES);
    this.languageModel = model;
    this.providerName = model.provider;
  }

  private get calls(): LanguageModelCalls {
    return this.languageModel as unknown as LanguageModelCalls;
  }

  protected override async doGenerate(
    request: CompletionRequest,
    signal?: AbortSignal,
  ): Promise<ChatMessage> {
    const options = toCallOptions(request, this.languageModel.specificationVersion, signal);
    return fromGenerateResult(await this.calls.doGenerate(options));
  }

  protected override async *doGenerateStream(
    request: CompletionRequest,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatMessageStreamDelta> {
    const options = toCallOptions(request, this.languageModel.specificationVersion, signal);
    const { stream } = await this.calls.doStream(options);
    const converter = new StreamPartConverter(this.providerName);
    const reader = stream.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const delta = converter.convert(value as { type: string });
        if (delta) yield delta;
      }
    } finally {
      // Stops the provider's fetch when the caller leaves early (an abort, a `break`).
      reader.cancel().catch(() => {});
      reader.releaseLock();
    }
    // A connection closed cleanly but early ends the stream normally: only the missing `finish`
    // part says that the reply was cut.
    if (!converter.finished && !signal?.aborted) {
      throw new ModelApiError(`The stream from ${this.providerName} ended before the reply was complete.`, {
        isRetryable: true,
      });
    }
  }

  protected override toModelApiError(error: unknown): ModelApiError | undefined {
    return aiSdkErrorToModelApiError(error, this.providerName) ?? super.toModelApiError(error);
  }

  protected override toDictOptions(): Record<string, unknown> {
    return { provider: this.providerName, specificationVersion: this.languageModel.specificationVersion };
  }

  /** An AI SDK model is an object in memory: a saved description cannot rebuild it. */
  static override fromDict(): never {
    throw new ModelConfigurationError(
      "An AiSdkModel cannot be rebuilt from its description: create the AI SDK model again and pass it to new AiSdkModel(…).",
    );
  }
}
