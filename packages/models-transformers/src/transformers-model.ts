import type { DataType, DeviceType } from "@huggingface/transformers";
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
  cutAtStopSequences,
  overlayCompletionParameters,
  StopSequenceCutter,
  streamLocalGeneration,
} from "@smol/core/provider-kit";
import { toTemplateTools, toTransformersChat } from "./convert-to-transformers-chat.js";
import {
  type ChatTurn,
  importTransformers,
  loadTextGenerationPipeline,
  type TextGenerationPipelineLike,
  type TransformersLibrary,
} from "./load-pipeline.js";
import { progressBar, type TransformersLoadProgress } from "./progress-bar.js";
import { stoppingCriteria } from "./stopping.js";
import { parseTextToolCalls } from "./text-tool-calls.js";

export interface TransformersModelOptions extends Partial<ApiModelOptions> {
  /** A model on the Hugging Face Hub with ONNX weights, e.g. `onnx-community/Qwen2.5-0.5B-Instruct`. */
  modelId?: string;
  /**
   * A ready text-generation pipeline (`await pipeline("text-generation", id, …)`), used as is;
   * `device`, `dtype` and the loading options are then ignored, and `dispose()` leaves it open.
   */
  pipeline?: TextGenerationPipelineLike;
  /** Where to run: `"cpu"` (default in Node), `"cuda"`, `"dml"`, `"webgpu"`, `"auto"`, … */
  device?: DeviceType | Record<string, DeviceType>;
  /** Weights precision: `"fp32"`, `"fp16"`, `"q8"`, `"q4"`, … (which files exist depends on the model). */
  dtype?: DataType | Record<string, DataType>;
  /** Tokens to generate at most. Default 4096. */
  maxNewTokens?: number;
  /** A Jinja chat template (or a template name) instead of the tokenizer's own. */
  chatTemplate?: string;
  /** Where downloaded models are kept. Default: Transformers.js's cache directory. */
  cacheDirectory?: string;
  /** Use only files already in the cache: never reach the network. */
  localFilesOnly?: boolean;
  /** A branch, tag or commit of the model's repository. */
  revision?: string;
  /** Loading progress (file downloads); default: a progress bar on a terminal's stderr. */
  onProgress?: (event: TransformersLoadProgress) => void;
}

interface LoadedPipeline {
  library: TransformersLibrary;
  pipeline: TextGenerationPipelineLike;
}

/**
 * A model run locally in Node by Transformers.js (`@huggingface/transformers`, ONNX Runtime): the
 * model comes from the Hugging Face Hub on first use, with a progress bar, and from the cache
 * after; or give a ready `pipeline`. Tool calls are read from the text the model writes
 * (`<tool_call>` blocks or a JSON object), with the tools shown to the model by its chat template.
 * Other options are generation parameters of Transformers.js (`temperature`, `do_sample`,
 * `top_k`, `top_p`, `repetition_penalty`, `max_new_tokens`, …).
 *
 * @example
 * import { CodeAgent } from "@smol/core";
 * import { TransformersModel } from "@smol/models-transformers";
 *
 * const model = new TransformersModel({ modelId: "onnx-community/Qwen2.5-Coder-1.5B-Instruct", dtype: "q4" });
 * const agent = new CodeAgent({ tools: [], model, addBaseTools: true });
 * await agent.run("Could you give me the 118th number in the Fibonacci sequence?");
 */
export class TransformersModel extends ApiModel implements AsyncDisposable {
  protected readonly providerName = "Transformers.js";
  readonly device: TransformersModelOptions["device"];
  readonly dtype: TransformersModelOptions["dtype"];
  readonly maxNewTokens: number;
  readonly chatTemplate: string | undefined;
  readonly cacheDirectory: string | undefined;
  readonly localFilesOnly: boolean;
  readonly revision: string | undefined;
  private readonly givenPipeline: TextGenerationPipelineLike | undefined;
  private readonly onProgress: (event: TransformersLoadProgress) => void;
  private loading: Promise<LoadedPipeline> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: TransformersModelOptions) {
    const {
      modelId,
      pipeline,
      device,
      dtype,
      maxNewTokens = 4096,
      chatTemplate,
      cacheDirectory,
      localFilesOnly = false,
      revision,
      onProgress,
      ...apiModelOptions
    } = options;
    const name = modelId ?? pipelineModelName(pipeline);
    if (!name) {
      throw new ModelConfigurationError(
        'TransformersModel needs a modelId (e.g. "onnx-community/Qwen2.5-0.5B-Instruct") or a ready `pipeline`.',
      );
    }
    super({ ...apiModelOptions, modelId: name }, [
      "pipeline",
      "device",
      "dtype",
      "maxNewTokens",
      "chatTemplate",
      "cacheDirectory",
      "localFilesOnly",
      "revision",
      "onProgress",
    ]);
    if (!(Number.isInteger(maxNewTokens) && maxNewTokens > 0)) {
      throw new ModelConfigurationError(`maxNewTokens must be a whole number > 0, got ${maxNewTokens}.`);
    }
    this.device = device;
    this.dtype = dtype;
    this.maxNewTokens = maxNewTokens;
    this.chatTemplate = chatTemplate;
    this.cacheDirectory = cacheDirectory;
    this.localFilesOnly = localFilesOnly;
    this.revision = revision;
    this.givenPipeline = pipeline;
    this.onProgress = onProgress ?? (process.stderr.isTTY ? progressBar(process.stderr) : () => {});
  }

  /** Local generation stops at any text: stop sequences are always handled here. */
  protected override supportsStopParameter(): boolean {
    return true;
  }

  protected override doGenerate(request: CompletionRequest, signal?: AbortSignal): Promise<ChatMessage> {
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

  private async generateOnce(
    request: CompletionRequest,
    signal: AbortSignal | undefined,
    onText?: (text: string) => void,
  ): Promise<ChatMessage> {
    if (request.responseFormat) {
      throw new ModelConfigurationError(
        "TransformersModel cannot hold its output to a JSON schema (Transformers.js has no constrained decoding): " +
          "use LlamaCppModel (@smol/models-llamacpp) or an API model for structured outputs.",
      );
    }
    const { library, pipeline } = await this.load();
    signal?.throwIfAborted();
    const chat = toTransformersChat(request.messages);
    const callsTools = request.tools !== undefined && request.toolChoice !== "none";
    const templateOptions: Record<string, unknown> = {};
    if (callsTools) templateOptions.tools = toTemplateTools(request.tools!);
    if (this.chatTemplate) templateOptions.chat_template = this.chatTemplate;
    const promptLength = countPromptTokens(pipeline, chat, templateOptions);
    const stopSequences = request.stopSequences ?? [];
    const cutter = new StopSequenceCutter(stopSequences);
    const streamer =
      onText && !callsTools
        ? new library.TextStreamer(pipeline.tokenizer as never, {
            skip_prompt: true,
            skip_special_tokens: true,
            callback_function: (text: string) => {
              const kept = cutter.push(text);
              if (kept) onText(kept);
            },
          })
        : undefined;
    const options = overlayCompletionParameters(
      { max_new_tokens: this.maxNewTokens, ...templateOptions },
      request.completionParameters,
    );
    const output = await pipeline(chat, {
      ...options,
      ...(streamer ? { streamer } : {}),
      stopping_criteria: stoppingCriteria(library, pipeline.tokenizer, {
        stopSequences,
        promptLength: promptLength ?? 0,
        signal,
      }),
    });
    signal?.throwIfAborted();
    const rest = cutter.flush();
    if (rest) onText?.(rest);

    const text = cutAtStopSequences(replyText(output, chat), stopSequences);
    const message: ChatMessage = { role: "assistant", content: text };
    const outputTokens = pipeline.tokenizer.encode(text, { add_special_tokens: false }).length;
    if (promptLength !== undefined) message.tokenUsage = { inputTokens: promptLength, outputTokens };
    if (callsTools) {
      const { content, toolCalls } = parseTextToolCalls(text, `call_${Date.now().toString(36)}`);
      message.content = content;
      if (toolCalls.length > 0) message.toolCalls = toolCalls;
    }
    return message;
  }

  /** Loads the pipeline once; a failed load is tried again by the next call. */
  private load(): Promise<LoadedPipeline> {
    this.loading ??= (async () => {
      const library = await importTransformers();
      const pipeline =
        this.givenPipeline ??
        (await loadTextGenerationPipeline(library, {
          modelId: this.modelId,
          device: this.device,
          dtype: this.dtype,
          cacheDirectory: this.cacheDirectory,
          localFilesOnly: this.localFilesOnly,
          revision: this.revision,
          onProgress: this.onProgress,
        }));
      return { library, pipeline };
    })().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  /** Runs `work` after every earlier call: one generation at a time on the model. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Frees a pipeline this model loaded (a given one stays open). A later call loads it again. */
  async dispose(): Promise<void> {
    await this.queue;
    const loaded = await this.loading?.catch(() => undefined);
    this.loading = undefined;
    if (loaded && !this.givenPipeline) await loaded.pipeline.dispose?.();
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
      device: this.device,
      dtype: this.dtype,
      maxNewTokens: this.maxNewTokens,
      chatTemplate: this.chatTemplate,
      cacheDirectory: this.cacheDirectory,
      localFilesOnly: this.localFilesOnly,
      revision: this.revision,
    };
  }
}

/** The id a pipeline was loaded from, when it says. */
function pipelineModelName(pipeline: TextGenerationPipelineLike | undefined): string | undefined {
  const config = (pipeline as { model?: { config?: Record<string, unknown> } } | undefined)?.model?.config;
  const name = config?._name_or_path;
  return typeof name === "string" && name !== "" ? name : undefined;
}

/** Tokens of the prompt as the chat template writes it, or `undefined` when the tokenizer cannot say. */
function countPromptTokens(
  pipeline: TextGenerationPipelineLike,
  chat: ChatTurn[],
  templateOptions: Record<string, unknown>,
): number | undefined {
  try {
    const ids = pipeline.tokenizer.apply_chat_template(chat, {
      ...templateOptions,
      add_generation_prompt: true,
      tokenize: true,
      return_tensor: false,
      return_dict: false,
    });
    return Array.isArray(ids) ? ids.length : undefined;
  } catch {
    return undefined;
  }
}

/** The new assistant text: the last turn of the returned chat, or the text after the prompt. */
function replyText(output: unknown, chat: ChatTurn[]): string {
  const first = (Array.isArray(output) ? output[0] : output) as { generated_text?: unknown } | undefined;
  const generated = first?.generated_text;
  if (Array.isArray(generated)) {
    const last = generated.at(-1) as { role?: string; content?: unknown } | undefined;
    return last?.role === "assistant" && typeof last.content === "string" && generated.length > chat.length
      ? last.content
      : "";
  }
  return typeof generated === "string" ? generated : "";
}
