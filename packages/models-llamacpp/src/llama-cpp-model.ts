import { randomUUID } from "node:crypto";
import {
  type ChatMessage,
  type ChatMessageStreamDelta,
  ModelApiError,
  ModelConfigurationError,
} from "@smol/core";
import {
  ApiModel,
  type ApiModelOptions,
  type CompletionRequest,
  streamLocalGeneration,
} from "@smol/core/provider-kit";
import type {
  ChatWrapper,
  GbnfJsonSchema,
  LLamaChatGenerateResponseOptions,
  Llama,
  LlamaChat,
  LlamaContext,
  LlamaContextOptions,
  LlamaGrammar,
  LlamaModel,
  LlamaModelOptions,
  LlamaOptions,
} from "node-llama-cpp";
import { checkGenerationParameters, toChatHistory, toGenerationParameters } from "./convert-to-llama-chat.js";
import { loadLlamaModel } from "./load-llama-model.js";
import { parseToolCallOutput, toGrammarSchema, toolCallSchema } from "./tool-call-grammar.js";

export interface LlamaCppModelOptions extends Partial<ApiModelOptions> {
  /** Names the model in logs and `toDict()`. Default: `modelUri`, or the file name of `modelPath`. */
  modelId?: string;
  /** A GGUF file on disk. */
  modelPath?: string;
  /**
   * A model to download on first use and keep in `cacheDirectory`: `hf:<user>/<repo>:<quant>`,
   * `hf:<user>/<repo>/<file>.gguf`, or an `https://` URL of a GGUF file.
   */
  modelUri?: string;
  /** Where downloaded models are kept. Default: node-llama-cpp's models directory (`~/.node-llama-cpp/models`). */
  cacheDirectory?: string;
  /** Download progress; without it a progress bar is drawn on a terminal's stderr. */
  onDownloadProgress?: (progress: { downloadedBytes: number; totalBytes: number }) => void;
  /** CPU threads for evaluation. Default: node-llama-cpp's (all cores). */
  threads?: number;
  /** Tokens the context holds: prompt and reply together. Default `{ max: 8192 }`, within the model's own limit. */
  contextSize?: LlamaContextOptions["contextSize"];
  /** Layers to put on the GPU. Default `"auto"`. */
  gpuLayers?: LlamaModelOptions["gpuLayers"];
  /** The GPU backend for a llama.cpp this model loads itself. Default `"auto"`. */
  gpu?: LlamaOptions["gpu"];
  /** The chat template to use instead of the one node-llama-cpp picks from the model. */
  chatWrapper?: ChatWrapper;
  /** A llama.cpp instance from `getLlama()` to share between models; it is left open by `dispose()`. */
  llama?: Llama;
}

interface LoadedModel {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  chat: LlamaChat;
  ownsLlama: boolean;
}

/**
 * A local GGUF model run by llama.cpp through `node-llama-cpp`: no server, no API key. Native
 * tool calls are grammar-constrained: when tools are given, the model can only write
 * `{"name": …, "arguments": …}` for one of them, with arguments that match the tool's schema.
 * The model loads (and downloads, for `modelUri`) on the first call; `dispose()` frees it.
 * Other options are generation options of node-llama-cpp (`maxTokens`, `temperature`, `topK`,
 * `topP`, `minP`, `seed`, `repeatPenalty`, a GBNF `grammar`, …).
 *
 * @example
 * import { LlamaCppModel } from "@smol/models-llamacpp";
 *
 * await using model = new LlamaCppModel({ modelUri: "hf:bartowski/Qwen2.5-7B-Instruct-GGUF:Q4_K_M", temperature: 0.2 });
 * const reply = await model.generate([{ role: "user", content: "Say hello." }]);
 */
export class LlamaCppModel extends ApiModel implements AsyncDisposable {
  protected readonly providerName = "llama.cpp";
  readonly modelPath: string | undefined;
  readonly modelUri: string | undefined;
  readonly cacheDirectory: string | undefined;
  readonly threads: number | undefined;
  readonly contextSize: LlamaContextOptions["contextSize"];
  private readonly gpuLayers: LlamaModelOptions["gpuLayers"];
  private readonly gpu: LlamaOptions["gpu"];
  private readonly chatWrapper: ChatWrapper | undefined;
  private readonly sharedLlama: Llama | undefined;
  private readonly onDownloadProgress: LlamaCppModelOptions["onDownloadProgress"];
  private loading: Promise<LoadedModel> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(options: LlamaCppModelOptions) {
    const {
      modelId,
      modelPath,
      modelUri,
      cacheDirectory,
      onDownloadProgress,
      threads,
      contextSize,
      gpuLayers,
      gpu,
      chatWrapper,
      llama,
      ...apiModelOptions
    } = options;
    if ((modelPath === undefined) === (modelUri === undefined)) {
      throw new ModelConfigurationError(
        'LlamaCppModel needs exactly one of `modelPath` (a GGUF file) or `modelUri` (e.g. "hf:bartowski/Qwen2.5-7B-Instruct-GGUF:Q4_K_M").',
      );
    }
    super({ ...apiModelOptions, modelId: modelId ?? modelUri ?? fileName(modelPath!) }, [
      "modelPath",
      "modelUri",
      "cacheDirectory",
      "onDownloadProgress",
      "threads",
      "contextSize",
      "gpuLayers",
      "gpu",
      "chatWrapper",
      "llama",
    ]);
    checkGenerationParameters(this.completionParameters);
    if (threads !== undefined && !(Number.isInteger(threads) && threads >= 0)) {
      throw new ModelConfigurationError(`threads must be a whole number ≥ 0, got ${threads}.`);
    }
    this.modelPath = modelPath;
    this.modelUri = modelUri;
    this.cacheDirectory = cacheDirectory;
    this.threads = threads;
    this.contextSize = contextSize ?? { max: 8192 };
    this.gpuLayers = gpuLayers;
    this.gpu = gpu;
    this.chatWrapper = chatWrapper;
    this.sharedLlama = llama;
    this.onDownloadProgress = onDownloadProgress;
  }

  /** llama.cpp stops at any text: stop sequences are always sent, as custom stop triggers. */
  protected override supportsStopParameter(): boolean {
    return true;
  }

  protected override async doGenerate(
    request: CompletionRequest,
    signal?: AbortSignal,
  ): Promise<ChatMessage> {
    return this.exclusive(() => this.generateOnce(request, signal));
  }

  protected override doGenerateStream(
    request: CompletionRequest,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatMessageStreamDelta> {
    // The reader stopping early aborts the generation too, so the model is free for the next call.
    return streamLocalGeneration(signal, (onText, abort) =>
      this.exclusive(() => this.generateOnce(request, abort, onText)),
    );
  }

  /** One generation on the model's single context sequence; callers queue through `exclusive`. */
  private async generateOnce(
    request: CompletionRequest,
    signal: AbortSignal | undefined,
    onText?: (text: string) => void,
  ): Promise<ChatMessage> {
    const { llama, chat } = await this.load();
    signal?.throwIfAborted();
    const {
      grammar: grammarText,
      customStopTriggers,
      ...options
    } = toGenerationParameters(request.completionParameters, request.stopSequences);
    const callsTools = request.tools !== undefined && request.toolChoice !== "none";
    let grammar: LlamaGrammar | undefined;
    if (callsTools)
      grammar = await llama.createGrammarForJsonSchema<GbnfJsonSchema>(
        toolCallSchema(request.tools!, request.toolChoice),
      );
    else if (request.responseFormat)
      grammar = await llama.createGrammarForJsonSchema<GbnfJsonSchema>(
        toGrammarSchema(request.responseFormat.jsonSchema.schema),
      );
    else if (grammarText) grammar = await llama.createGrammar({ grammar: grammarText });

    const meter = chat.sequence.tokenMeter;
    const before = meter.getState();
    const result = await chat.generateResponse(toChatHistory(request.messages), {
      ...(options as LLamaChatGenerateResponseOptions<undefined>),
      grammar,
      // A stop sequence inside a JSON string would cut a tool call in half.
      customStopTriggers: callsTools ? undefined : customStopTriggers,
      signal,
      stopOnAbortSignal: false,
      // A chunk can be empty (a stop trigger's held-back start, given up): no delta for it.
      onTextChunk: callsTools || !onText ? undefined : (text) => text && onText(text),
    } as LLamaChatGenerateResponseOptions<undefined>);
    const usage = meter.diff(before);
    const message: ChatMessage = {
      role: "assistant",
      content: result.response,
      tokenUsage: { inputTokens: usage.usedInputTokens, outputTokens: usage.usedOutputTokens },
      raw: { stopReason: result.metadata.stopReason },
    };
    if (callsTools) {
      const allowed =
        typeof request.toolChoice === "object"
          ? [request.toolChoice.name]
          : request.tools!.map((tool) => tool.name);
      const { toolCalls, content } = parseToolCallOutput(
        result.response,
        `call_${randomUUID().slice(0, 8)}`,
        allowed,
      );
      message.content = content;
      if (toolCalls.length > 0) message.toolCalls = toolCalls;
    }
    return message;
  }

  /** Loads (and downloads) the model once; a failed load is tried again by the next call. */
  private load(): Promise<LoadedModel> {
    if (this.disposed) {
      return Promise.reject(
        new ModelConfigurationError(`This LlamaCppModel (${this.modelId}) was disposed.`),
      );
    }
    this.loading ??= this.loadOnce().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  private async loadOnce(): Promise<LoadedModel> {
    const { llama, model, ownsLlama } = await loadLlamaModel({
      modelPath: this.modelPath,
      modelUri: this.modelUri,
      cacheDirectory: this.cacheDirectory,
      onDownloadProgress: this.onDownloadProgress,
      gpu: this.gpu,
      gpuLayers: this.gpuLayers,
      llama: this.sharedLlama,
    });
    try {
      const context = await model.createContext({
        contextSize: this.contextSize,
        sequences: 1,
        ...(this.threads !== undefined ? { threads: this.threads } : {}),
      });
      const { LlamaChat } = await import("node-llama-cpp");
      const chat = new LlamaChat({
        contextSequence: context.getSequence(),
        ...(this.chatWrapper ? { chatWrapper: this.chatWrapper } : {}),
      });
      return { llama, model, context, chat, ownsLlama };
    } catch (error) {
      await model.dispose();
      if (ownsLlama) await llama.dispose();
      throw error;
    }
  }

  /** Runs `work` after every earlier call: the model has one context sequence. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Frees the context, the model and (when this model loaded it) llama.cpp, after the calls in
   * progress end. Later calls fail with a clear error.
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue;
    const loading = this.loading;
    this.loading = undefined;
    const loaded = await loading?.catch(() => undefined);
    if (!loaded) return;
    loaded.chat.dispose();
    await loaded.context.dispose();
    await loaded.model.dispose();
    if (loaded.ownsLlama) await loaded.llama.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  /**
   * Nothing local is worth retrying: a failure is a setup problem (reported as such) or a bug.
   * The default mapping would take a failed download, whose cause is a network error, for a
   * flaky API and retry it.
   */
  protected override toModelApiError(error: unknown): ModelApiError | undefined {
    return ModelApiError.isInstance(error) ? error : undefined;
  }

  protected override toDictOptions(): Record<string, unknown> {
    return {
      modelPath: this.modelPath,
      modelUri: this.modelUri,
      cacheDirectory: this.cacheDirectory,
      threads: this.threads,
      contextSize: this.contextSize,
      gpuLayers: this.gpuLayers,
      gpu: this.gpu,
    };
  }
}

function fileName(path: string): string {
  return path.split(/[\\/]/).at(-1) || path;
}
