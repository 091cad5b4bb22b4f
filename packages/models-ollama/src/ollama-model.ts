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
  RequestScope,
} from "@smol/core/provider-kit";
import {
  type AbortableAsyncIterator,
  type ChatResponse,
  Ollama,
  type Options as OllamaOptions,
} from "ollama";
import { fromOllamaResponse, OllamaStreamConverter } from "./convert-from-ollama-response.js";
import { type OllamaRequestDefaults, toOllamaRequest } from "./convert-to-ollama-messages.js";
import { ollamaErrorToModelApiError, ollamaStreamErrorToModelApiError } from "./ollama-errors.js";

/** Ollama's default host. */
export const DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434";

/**
 * The context window smol asks for. Ollama's own default (2048 tokens, as the smolagents guide
 * warns) is too small for an agent: the system prompt and a few steps of memory overflow it,
 * and Ollama then silently drops the start of the conversation. 8192 works for simple tasks;
 * more is better when the model and your memory allow it.
 */
export const DEFAULT_OLLAMA_NUM_CTX = 8192;

/** The options `OllamaModel` takes itself; the others are completion parameters. */
const OLLAMA_OPTION_NAMES = [
  "baseUrl",
  "host",
  "numCtx",
  "options",
  "keepAlive",
  "apiKey",
  "headers",
  "timeout",
  "fetch",
];

export interface OllamaModelOptions extends ApiModelOptions {
  /** The model's name on the server, e.g. `"llama3.2"` or `"qwen2.5-coder:32b"`. */
  modelId: string;
  /** The server's URL. Default: the OLLAMA_HOST environment variable, else `http://127.0.0.1:11434`. */
  baseUrl?: string;
  /** @deprecated Ollama's own name for `baseUrl`. */
  host?: string;
  /**
   * The context window in tokens (`options.num_ctx`). Default 8192, not Ollama's own default,
   * which is too small for agents (see `DEFAULT_OLLAMA_NUM_CTX`). Larger needs more memory.
   */
  numCtx?: number;
  /** Other model options: `temperature`, `top_k`, `seed`, `num_predict`, `num_gpu`, … */
  options?: Partial<OllamaOptions>;
  /** How long the model stays loaded after a request: seconds, or a duration such as `"10m"`; `-1` keeps it. */
  keepAlive?: string | number;
  /** Sent as `Authorization: Bearer …`, for ollama.com or a server behind an authenticating proxy. */
  apiKey?: string;
  /** Extra HTTP headers on every request. */
  headers?: Record<string, string>;
  /** Seconds without an answer (or, while streaming, without a new line) before giving up. Default 600. */
  timeout?: number;
  /** The `fetch` the client uses. */
  fetch?: typeof fetch;
}

/**
 * A model served by Ollama, through the official `ollama` client: streams (NDJSON), calls tools
 * natively, reads images, reports token usage, and follows a JSON schema through `format` when
 * given a `responseFormat`. Completion parameters such as `temperature` are sent as Ollama model
 * options; `format`, `keep_alive` and `think` as request fields; `REMOVE_PARAMETER` removes one.
 *
 * The context window defaults to 8192 tokens (`numCtx`), because Ollama's own default is too small
 * for an agent's prompt and memory.
 *
 * @example
 * import { CodeAgent } from "@smol/core";
 * import { OllamaModel } from "@smol/models-ollama";
 *
 * const model = new OllamaModel({ modelId: "llama3.2", baseUrl: "http://127.0.0.1:11434", numCtx: 8192 });
 * const agent = new CodeAgent({ tools: [], model, addBaseTools: true });
 * await agent.run("Could you give me the 118th number in the Fibonacci sequence?");
 */
export class OllamaModel extends ApiModel {
  protected readonly providerName = "Ollama";
  /** The server's URL (`baseUrl`). */
  readonly host: string;
  readonly numCtx: number;
  readonly keepAlive: string | number | undefined;
  /** Seconds; `undefined` when no timeout applies. */
  readonly timeout: number | undefined;
  readonly modelOptions: Readonly<Partial<OllamaOptions>>;
  private readonly headers: Record<string, string>;
  private readonly baseFetch: typeof fetch;
  private toolCallCount = 0;

  /** The server's URL: the same as `host`, under the name every smol model uses. */
  get baseUrl(): string {
    return this.host;
  }

  constructor(options: OllamaModelOptions) {
    const {
      baseUrl,
      host,
      numCtx,
      options: modelOptions,
      keepAlive,
      apiKey,
      headers,
      timeout,
      fetch: customFetch,
      ...apiModelOptions
    } = options;
    super(apiModelOptions, OLLAMA_OPTION_NAMES);
    this.host = baseUrl ?? host ?? (process.env.OLLAMA_HOST || DEFAULT_OLLAMA_HOST);
    this.numCtx = checkPositive("numCtx", numCtx ?? DEFAULT_OLLAMA_NUM_CTX, "tokens");
    this.keepAlive = keepAlive;
    const seconds = timeout ?? 600;
    this.timeout =
      seconds === Number.POSITIVE_INFINITY ? undefined : checkPositive("timeout", seconds, "seconds");
    this.modelOptions = { ...modelOptions };
    const key = apiKey ?? (isOllamaCloud(this.host) ? process.env.OLLAMA_API_KEY : undefined);
    if (isOllamaCloud(this.host) && !key) {
      throw new ModelConfigurationError(
        "OllamaModel on ollama.com needs an API key: pass `apiKey`, or set the OLLAMA_API_KEY environment variable.",
      );
    }
    this.headers = { ...headers, ...(key ? { Authorization: `Bearer ${key}` } : {}) };
    this.baseFetch = customFetch ?? globalThis.fetch;
  }

  protected override async doGenerate(
    request: CompletionRequest,
    signal?: AbortSignal,
  ): Promise<ChatMessage> {
    const scope = this.openScope(signal);
    try {
      const body = toOllamaRequest(request, this.requestDefaults(), { stream: false });
      const response = await this.client(scope).chat({ ...body, stream: false });
      return fromOllamaResponse(response, this.nextToolCallId);
    } catch (error) {
      throw this.mapError(error, scope);
    } finally {
      scope.finish();
    }
  }

  protected override async *doGenerateStream(
    request: CompletionRequest,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatMessageStreamDelta> {
    const scope = this.openScope(signal);
    const converter = new OllamaStreamConverter(this.nextToolCallId);
    let lines: AbortableAsyncIterator<ChatResponse> | undefined;
    let completed = false;
    try {
      const body = toOllamaRequest(request, this.requestDefaults(), { stream: true });
      lines = await this.client(scope).chat({ ...body, stream: true });
      try {
        for await (const line of lines) {
          scope.touch();
          const delta = converter.push(line);
          if (delta) yield delta;
        }
      } catch (error) {
        throw ollamaStreamErrorToModelApiError(error, this.host) ?? error;
      }
      completed = true;
    } catch (error) {
      throw this.mapError(error, scope);
    } finally {
      // A consumer that stops reading early leaves the response open: close it.
      if (!completed) {
        lines?.abort();
        scope.abandon();
      }
      scope.finish();
    }
    if (!converter.done && !signal?.aborted) {
      throw new ModelApiError(`The stream from Ollama at ${this.host} ended before the reply was complete.`, {
        isRetryable: true,
      });
    }
  }

  protected override toDictOptions(): Record<string, unknown> {
    return {
      host: this.host,
      numCtx: this.numCtx,
      keepAlive: this.keepAlive,
      options: this.modelOptions,
      timeout: this.timeout,
    };
  }

  /** Ollama's tool calls have no id: the model numbers them, so each is unique within its run. */
  private readonly nextToolCallId = (): string => `call_${++this.toolCallCount}`;

  private requestDefaults(): OllamaRequestDefaults {
    return {
      numCtx: this.numCtx,
      keepAlive: this.keepAlive,
      options: this.modelOptions as Record<string, unknown>,
    };
  }

  /** A client per request: its `fetch` carries the request's signal and timeout, which the client's methods do not take. */
  private client(scope: RequestScope): Ollama {
    return new Ollama({ host: this.host, headers: this.headers, fetch: scope.fetch });
  }

  private openScope(signal: AbortSignal | undefined): RequestScope {
    return new RequestScope(
      this.baseFetch,
      this.timeout === undefined ? undefined : this.timeout * 1000,
      signal,
    );
  }

  private mapError(error: unknown, scope: RequestScope): unknown {
    return (
      ollamaErrorToModelApiError(error, {
        host: this.host,
        modelId: this.modelId,
        responseHeaders: scope.lastResponse?.headers,
        timedOut: scope.timedOut,
        timeoutSeconds: this.timeout,
      }) ?? error
    );
  }
}

function isOllamaCloud(host: string): boolean {
  return /^https:\/\/(www\.)?ollama\.com(\/|$)/i.test(host);
}

function checkPositive(name: string, value: number, unit: string): number {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new ModelConfigurationError(`${name} must be a positive number of ${unit}, got ${value}.`);
  }
  return value;
}
