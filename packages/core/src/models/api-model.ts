import { ModelApiError, ModelConfigurationError } from "../errors.js";
import { cleanMessages } from "./clean-messages.js";
import type { CompletionRequest } from "./completion-request.js";
import { defaultToModelApiError } from "./error-mapping.js";
import { type ChatMessage, type ChatMessageStreamDelta, messageText } from "./messages.js";
import type { GenerateOptions, Model } from "./model.js";
import { checkOptionNames } from "./option-names.js";
import { RateLimiter } from "./rate-limiter.js";
import {
  decodeRemoveParameters,
  encodeRemoveParameters,
  isRemoveParameter,
  type RemoveParameter,
} from "./remove-parameter.js";
import { abortReason, retryDelayMs, sleep } from "./retry.js";
import { withoutSecrets } from "./secrets.js";
import { cutAtStopSequences, StopSequenceCutter, supportsStopParameter } from "./stop-sequences.js";

/** Passed to `onRetry` before each wait. */
export interface RetryEvent {
  /** 1 for the first retry. */
  retry: number;
  delayMs: number;
  error: ModelApiError;
}

/**
 * Options every API model takes. Any other key is a completion parameter, spelled as the
 * provider spells it (`temperature`, `max_tokens`, `reasoning_effort`, …): it goes into every
 * request and wins over what smol or the agent computed. `REMOVE_PARAMETER` deletes the key.
 */
export interface ApiModelOptions {
  modelId: string;
  /** Send content as one string (images dropped), for servers that take nothing else. */
  flattenMessagesAsText?: boolean;
  /** Space requests so that at most this many start per minute. */
  requestsPerMinute?: number;
  /** Retries after a retryable failure (429, 408, 409, 5xx, network). Default 3. */
  maxRetries?: number;
  /** Backoff before the first retry when the server gives no `Retry-After`; doubles each time. Default 1 000. */
  retryBaseDelayMs?: number;
  /** Longest wait between attempts; a longer `Retry-After` ends the retries. Default 60 000. */
  retryMaxDelayMs?: number;
  /** Called before each wait, e.g. to log "rate limited, retrying in 2 s". */
  onRetry?: (event: RetryEvent) => void;
  /** `stop: REMOVE_PARAMETER` never sends stop sequences; smol cuts the output at them instead. */
  stop?: string | string[] | RemoveParameter;
  /** Sampling temperature; `REMOVE_PARAMETER` leaves it to the provider's default. */
  temperature?: number | RemoveParameter;
  [completionParameter: string]: unknown;
}

const ownOptionNames = new Set([
  "modelId",
  "flattenMessagesAsText",
  "requestsPerMinute",
  "maxRetries",
  "retryBaseDelayMs",
  "retryMaxDelayMs",
  "onRetry",
]);

/** Completion parameters `ApiModelOptions` names and types (they still pass to the provider). */
const typedCompletionParameterNames = ["stop", "temperature"];

/**
 * The base of every API provider. A provider implements `doGenerate` (and `doGenerateStream`
 * when it streams) on a provider-neutral `CompletionRequest`; `ApiModel` gives it parameter
 * precedence, `REMOVE_PARAMETER`, message cleaning, client-side stop sequences, retries with
 * backoff and `Retry-After`, rate limiting, cancellation, typed errors and `toDict`/`fromDict`.
 *
 * @example
 * class EchoApiModel extends ApiModel {
 *   protected readonly providerName = "Echo";
 *   protected async doGenerate(request: CompletionRequest): Promise<ChatMessage> {
 *     const last = request.messages.at(-1);
 *     return { role: "assistant", content: typeof last?.content === "string" ? last.content : "" };
 *   }
 * }
 * const model = new EchoApiModel({ modelId: "echo", temperature: 0 });
 */
export abstract class ApiModel implements Model {
  readonly modelId: string;
  readonly flattenMessagesAsText: boolean;
  readonly requestsPerMinute: number | undefined;
  readonly maxRetries: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** The constructor's completion parameters, `REMOVE_PARAMETER` values included. */
  protected readonly completionParameters: Readonly<Record<string, unknown>>;
  /** Names the provider in error messages: "OpenAI", "Anthropic", … */
  protected abstract readonly providerName: string;
  private readonly rateLimiter: RateLimiter | undefined;
  private readonly onRetry: ((event: RetryEvent) => void) | undefined;

  /**
   * @param providerOptionNames the options the provider took out of `options` before passing
   * them on: with `ApiModel`'s own, the names a near-miss key is compared with (`maxRetires`
   * throws "did you mean maxRetries"), since everything else is sent as a completion parameter.
   */
  constructor(options: ApiModelOptions, providerOptionNames: readonly string[] = []) {
    if (typeof options?.modelId !== "string" || options.modelId.trim() === "") {
      throw new ModelConfigurationError(
        `${new.target.name} needs a modelId, e.g. new ${new.target.name}({ modelId: "gpt-4o" }).`,
      );
    }
    this.modelId = options.modelId;
    this.flattenMessagesAsText = options.flattenMessagesAsText ?? false;
    this.requestsPerMinute = options.requestsPerMinute;
    this.maxRetries = checkCount("maxRetries", options.maxRetries ?? 3);
    this.retryBaseDelayMs = checkCount("retryBaseDelayMs", options.retryBaseDelayMs ?? 1_000);
    this.retryMaxDelayMs = checkCount("retryMaxDelayMs", options.retryMaxDelayMs ?? 60_000);
    this.onRetry = options.onRetry;
    if (options.requestsPerMinute !== undefined) {
      if (!(options.requestsPerMinute > 0)) {
        throw new ModelConfigurationError(
          `requestsPerMinute must be a positive number, got ${options.requestsPerMinute}.`,
        );
      }
      this.rateLimiter = new RateLimiter(options.requestsPerMinute);
    }
    this.completionParameters = Object.fromEntries(
      Object.entries(options).filter(([key, value]) => !ownOptionNames.has(key) && value !== undefined),
    );
    checkOptionNames(new.target.name, Object.keys(this.completionParameters), {
      common: [...ownOptionNames, ...typedCompletionParameterNames],
      provider: providerOptionNames,
    });
    checkStopParameter(this.completionParameters.stop);
  }

  /** One request to the provider, no retry: `ApiModel` retries around it. */
  protected abstract doGenerate(request: CompletionRequest, signal?: AbortSignal): Promise<ChatMessage>;

  /** The streaming request, when the provider streams. Without it `generateStream` yields one delta. */
  protected doGenerateStream?(
    request: CompletionRequest,
    signal?: AbortSignal,
  ): AsyncIterable<ChatMessageStreamDelta>;

  /**
   * Turn what the provider's SDK threw into a `ModelApiError`, or `undefined` for errors that are
   * not the API's (they are rethrown untouched and never retried). Providers override this to
   * read their SDK's error classes and fall back to `super.toModelApiError`.
   */
  protected toModelApiError(error: unknown): ModelApiError | undefined {
    return defaultToModelApiError(error, this.providerName);
  }

  /** Whether the provider accepts stop sequences for this model; see `supportsStopParameter`. */
  protected supportsStopParameter(): boolean {
    return supportsStopParameter(this.modelId);
  }

  /** Options a provider adds to `toDict()` (its URL, region, …). Secrets are filtered out anyway. */
  protected toDictOptions(): Record<string, unknown> {
    return {};
  }

  /** Build the provider-neutral request: cleaned messages, stop sequences to send, tools, format. */
  protected prepareCompletionParameters(
    messages: readonly ChatMessage[],
    options: GenerateOptions = {},
  ): CompletionRequest {
    const { stop: _stop, ...completionParameters } = this.completionParameters;
    const request: CompletionRequest = {
      modelId: this.modelId,
      messages: cleanMessages(messages, { flattenMessagesAsText: this.flattenMessagesAsText }),
      completionParameters,
    };
    const stops = this.resolveStopSequences(options);
    if (stops.send) request.stopSequences = stops.send;
    if (options.toolsToCallFrom && options.toolsToCallFrom.length > 0) {
      request.tools = [...options.toolsToCallFrom];
      // A tool choice without tools is rejected by several APIs.
      if (options.toolChoice) request.toolChoice = options.toolChoice;
    }
    if (options.responseFormat) request.responseFormat = options.responseFormat;
    return request;
  }

  /**
   * Ask the model for one reply, with retries, rate limiting and stop sequences applied.
   *
   * @example
   * const reply = await model.generate([{ role: "user", content: "Hi" }], { stopSequences: ["Observation:"] });
   */
  async generate(messages: ChatMessage[], options: GenerateOptions = {}): Promise<ChatMessage> {
    const request = this.prepareCompletionParameters(messages, options);
    const { cutClientSide } = this.resolveStopSequences(options);
    const { signal } = options;
    for (let retryIndex = 0; ; retryIndex++) {
      signal?.throwIfAborted();
      await this.rateLimiter?.acquire(signal);
      try {
        const message = await this.doGenerate(request, signal);
        return cutClientSide ? cutMessage(message, cutClientSide) : message;
      } catch (error) {
        await sleep(this.delayBeforeRetry(error, retryIndex, signal), signal);
      }
    }
  }

  /**
   * Stream the reply as deltas. A failure before the first delta is retried like `generate`;
   * after it, the error surfaces (as a `ModelApiError`), since the caller has seen part of a reply.
   *
   * @example
   * for await (const delta of model.generateStream(messages)) process.stdout.write(delta.content ?? "");
   */
  async *generateStream(
    messages: ChatMessage[],
    options: GenerateOptions = {},
  ): AsyncGenerator<ChatMessageStreamDelta, void, undefined> {
    if (!this.doGenerateStream) {
      yield messageToDelta(await this.generate(messages, options));
      return;
    }
    const request = this.prepareCompletionParameters(messages, options);
    const { cutClientSide } = this.resolveStopSequences(options);
    const { signal } = options;
    for (let retryIndex = 0; ; retryIndex++) {
      signal?.throwIfAborted();
      await this.rateLimiter?.acquire(signal);
      let yielded = false;
      try {
        for await (const delta of this.streamAttempt(request, cutClientSide, signal)) {
          yielded = true;
          yield delta;
        }
        // Some SDKs end a stream quietly when it is aborted.
        signal?.throwIfAborted();
        return;
      } catch (error) {
        if (yielded) throw this.errorToSurface(error, signal);
        await sleep(this.delayBeforeRetry(error, retryIndex, signal), signal);
      }
    }
  }

  /**
   * A JSON-able description without secrets: class, modelId, retry settings, the provider's
   * options and the completion parameters. `fromDict` rebuilds the model from it.
   *
   * @example
   * const copy = OpenAIModel.fromDict(model.toDict());
   */
  toDict(): Record<string, unknown> {
    return withoutSecrets({
      class: this.constructor.name,
      modelId: this.modelId,
      flattenMessagesAsText: this.flattenMessagesAsText,
      requestsPerMinute: this.requestsPerMinute,
      maxRetries: this.maxRetries,
      retryBaseDelayMs: this.retryBaseDelayMs,
      retryMaxDelayMs: this.retryMaxDelayMs,
      ...this.toDictOptions(),
      ...encodeRemoveParameters(this.completionParameters),
    });
  }

  /** Rebuild a model from `toDict()` output. Secrets come from the environment again. */
  static fromDict<T extends ApiModel>(
    this: { new (options: ApiModelOptions): T; name: string },
    data: Record<string, unknown>,
  ): T {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass fromDict was called on.
    // biome-ignore lint/complexity/noUselessThisAlias: the alias names what `this` is here.
    const modelClass = this;
    const { class: className, ...options } = data;
    if (className !== undefined && className !== modelClass.name) {
      throw new ModelConfigurationError(
        `This description is of a ${String(className)}, not of a ${modelClass.name}.`,
      );
    }
    return new modelClass(decodeRemoveParameters(options) as ApiModelOptions);
  }

  private async *streamAttempt(
    request: CompletionRequest,
    cutClientSide: string[] | undefined,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<ChatMessageStreamDelta> {
    const cutter = cutClientSide ? new StopSequenceCutter(cutClientSide) : undefined;
    for await (const delta of this.doGenerateStream!(request, signal)) {
      const kept = cutter ? cutDelta(delta, cutter) : delta;
      if (kept) yield kept;
    }
    const rest = cutter?.flush();
    if (rest) yield { content: rest };
  }

  /** The stop sequences to send, and those to apply to the output because they were not sent. */
  private resolveStopSequences(options: GenerateOptions): { send?: string[]; cutClientSide?: string[] } {
    const stopParameter = this.completionParameters.stop;
    const stops =
      typeof stopParameter === "string" || Array.isArray(stopParameter)
        ? [stopParameter].flat()
        : options.stopSequences;
    if (!stops || stops.length === 0) return {};
    if (isRemoveParameter(stopParameter) || !this.supportsStopParameter()) return { cutClientSide: stops };
    return { send: stops };
  }

  /** The wait before the next attempt; throws the error to surface when there is none. */
  private delayBeforeRetry(error: unknown, retryIndex: number, signal: AbortSignal | undefined): number {
    const surfaced = this.errorToSurface(error, signal);
    if (!ModelApiError.isInstance(surfaced)) throw surfaced;
    const delay =
      surfaced.isRetryable && retryIndex < this.maxRetries
        ? retryDelayMs(retryIndex, surfaced, {
            maxRetries: this.maxRetries,
            baseDelayMs: this.retryBaseDelayMs,
            maxDelayMs: this.retryMaxDelayMs,
          })
        : undefined;
    if (delay === undefined) throw retryIndex === 0 ? surfaced : withAttemptCount(surfaced, retryIndex + 1);
    this.onRetry?.({ retry: retryIndex + 1, delayMs: delay, error: surfaced });
    return delay;
  }

  private errorToSurface(error: unknown, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted) return abortReason(signal);
    return this.toModelApiError(error) ?? error;
  }
}

function checkCount(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new ModelConfigurationError(`${name} must be a number ≥ 0, got ${value}.`);
  }
  return value;
}

function checkStopParameter(stop: unknown): void {
  const valid =
    stop === undefined ||
    isRemoveParameter(stop) ||
    typeof stop === "string" ||
    (Array.isArray(stop) && stop.every((item) => typeof item === "string"));
  if (!valid) {
    throw new ModelConfigurationError(
      `stop must be a string, a list of strings or REMOVE_PARAMETER, got ${JSON.stringify(stop)}.`,
    );
  }
}

function cutMessage(message: ChatMessage, stopSequences: string[]): ChatMessage {
  if (message.content == null) return message;
  return { ...message, content: cutAtStopSequences(messageText(message), stopSequences) };
}

function cutDelta(
  delta: ChatMessageStreamDelta,
  cutter: StopSequenceCutter,
): ChatMessageStreamDelta | undefined {
  if (delta.content === undefined) return delta;
  const { content, ...rest } = delta;
  const kept = cutter.push(content);
  const result: ChatMessageStreamDelta = kept ? { ...rest, content: kept } : rest;
  return result.content !== undefined || result.toolCalls || result.tokenUsage ? result : undefined;
}

function messageToDelta(message: ChatMessage): ChatMessageStreamDelta {
  const delta: ChatMessageStreamDelta = {};
  const text = messageText(message);
  if (text) delta.content = text;
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
  return delta;
}

function withAttemptCount(error: ModelApiError, attempts: number): ModelApiError {
  return new ModelApiError(`${error.message} (gave up after ${attempts} attempts)`, {
    statusCode: error.statusCode,
    isRetryable: error.isRetryable,
    retryAfterSeconds: error.retryAfterSeconds,
    responseBody: error.responseBody,
    cause: error,
  });
}
