import Anthropic, { type ClientOptions } from "@anthropic-ai/sdk";
import type {
  MessageCreateParamsNonStreaming,
  MessageCreateParamsStreaming,
} from "@anthropic-ai/sdk/resources/messages";
import {
  type ChatMessage,
  type ChatMessageStreamDelta,
  ModelApiError,
  ModelConfigurationError,
} from "@smol/core";
import { ApiModel, type ApiModelOptions, type CompletionRequest } from "@smol/core/provider-kit";
import { anthropicErrorToModelApiError } from "./anthropic-errors.js";
import { AnthropicStreamConverter, fromAnthropicMessage } from "./convert-from-anthropic-response.js";
import { toAnthropicRequestBody } from "./convert-to-anthropic-messages.js";

/**
 * `max_tokens` when none is given. The Messages API requires one; 4096 is the largest output
 * every Claude model accepts (Claude 3 Haiku and Opus stop there), and enough for an agent step.
 */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

export interface AnthropicModelOptions extends ApiModelOptions {
  /** e.g. `"claude-sonnet-4-6"`, `"claude-3-5-haiku-latest"`. */
  modelId: string;
  /** Default: the ANTHROPIC_API_KEY environment variable. */
  apiKey?: string;
  /** A bearer token instead of a key (`Authorization: Bearer …`). Default: ANTHROPIC_AUTH_TOKEN. */
  authToken?: string;
  /** Default: the ANTHROPIC_BASE_URL environment variable, else `https://api.anthropic.com`. */
  baseUrl?: string;
  /** The reply's length limit, `max_tokens`. Default 4096 (`DEFAULT_ANTHROPIC_MAX_TOKENS`). */
  maxTokens?: number;
  /** Seconds to wait for an answer. Default 600. */
  timeout?: number;
  /** Any other option of the `Anthropic` client (fetch, default headers, …). */
  clientOptions?: ClientOptions;
  /** A ready client; the options above are then ignored. */
  client?: Anthropic;
}

/**
 * Claude through Anthropic's Messages API and its official SDK: the system prompt goes apart, as
 * the API wants, tools are offered natively and `tool_use` blocks come back as tool calls, replies
 * stream, stop sequences and images (base64 or URL) are sent, and usage is reported. Options other
 * than the ones below are completion parameters (`temperature`, `top_k`, `thinking`, …), sent as
 * written; `REMOVE_PARAMETER` removes one.
 *
 * @example
 * import { CodeAgent } from "@smol/core";
 * import { AnthropicModel } from "@smol/models-anthropic";
 *
 * const model = new AnthropicModel({ modelId: "claude-sonnet-4-6", temperature: 0.2 });
 * const agent = new CodeAgent({ tools: [], model, addBaseTools: true });
 * await agent.run("Could you give me the 118th number in the Fibonacci sequence?");
 */
export class AnthropicModel extends ApiModel {
  protected readonly providerName = "Anthropic";
  readonly baseUrl: string | undefined;
  readonly maxTokens: number;
  /** Seconds. */
  readonly timeout: number;
  private readonly client: Anthropic;

  constructor(options: AnthropicModelOptions) {
    const { apiKey, authToken, baseUrl, maxTokens, timeout, clientOptions, client, ...apiModelOptions } =
      options;
    super(apiModelOptions, [
      "apiKey",
      "authToken",
      "baseUrl",
      "maxTokens",
      "timeout",
      "clientOptions",
      "client",
    ]);
    this.baseUrl = baseUrl;
    this.maxTokens = checkPositive("maxTokens", maxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS);
    this.timeout = checkPositive("timeout", timeout ?? 600);
    this.client = client ?? this.createClient({ apiKey, authToken, baseUrl, clientOptions });
  }

  private createClient(options: {
    apiKey?: string;
    authToken?: string;
    baseUrl?: string;
    clientOptions?: ClientOptions;
  }): Anthropic {
    const apiKey = options.apiKey ?? options.clientOptions?.apiKey ?? undefined;
    const authToken = options.authToken ?? options.clientOptions?.authToken ?? undefined;
    const credential =
      apiKey || authToken
        ? { apiKey: apiKey ?? null, authToken: apiKey ? null : (authToken ?? null) }
        : {
            apiKey: process.env.ANTHROPIC_API_KEY || null,
            authToken: process.env.ANTHROPIC_AUTH_TOKEN || null,
          };
    if (!credential.apiKey && !credential.authToken) {
      throw new ModelConfigurationError(
        "AnthropicModel needs an API key: pass `apiKey`, or set the ANTHROPIC_API_KEY environment variable " +
          "(create one at https://console.anthropic.com/settings/keys).",
      );
    }
    return new Anthropic({
      ...options.clientOptions,
      // The SDK takes one credential: the key wins over a token.
      ...(credential.apiKey ? { apiKey: credential.apiKey } : { authToken: credential.authToken }),
      baseURL: options.baseUrl ?? options.clientOptions?.baseURL,
      // A set timeout also lifts the SDK's refusal of long non-streamed requests (large max_tokens).
      timeout: this.timeout * 1000,
      // ApiModel retries (with Retry-After and the rate limiter); the SDK retrying too would multiply attempts.
      maxRetries: 0,
    });
  }

  protected override async doGenerate(
    request: CompletionRequest,
    signal?: AbortSignal,
  ): Promise<ChatMessage> {
    const body = toAnthropicRequestBody(request, {
      maxTokens: this.maxTokens,
    }) as MessageCreateParamsNonStreaming;
    const reply = await this.client.messages.create(body, { signal, maxRetries: 0 });
    return fromAnthropicMessage(reply);
  }

  protected override async *doGenerateStream(
    request: CompletionRequest,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatMessageStreamDelta> {
    const body = toAnthropicRequestBody(request, {
      maxTokens: this.maxTokens,
    }) as MessageCreateParamsStreaming;
    const stream = await this.client.messages.create({ ...body, stream: true }, { signal, maxRetries: 0 });
    const converter = new AnthropicStreamConverter();
    for await (const event of stream) {
      const delta = converter.push(event);
      if (delta) yield delta;
    }
    // A connection closed cleanly but early ends the SDK's stream quietly: only the missing
    // message_stop tells that the reply was cut.
    if (!converter.stopped && !signal?.aborted) {
      throw new ModelApiError(
        `The stream from the Anthropic API at ${this.client.baseURL} ended before message_stop.`,
        {
          isRetryable: true,
        },
      );
    }
  }

  protected override toModelApiError(error: unknown): ModelApiError | undefined {
    return anthropicErrorToModelApiError(error, this.client.baseURL) ?? super.toModelApiError(error);
  }

  protected override toDictOptions(): Record<string, unknown> {
    return { baseUrl: this.baseUrl, maxTokens: this.maxTokens, timeout: this.timeout };
  }
}

function checkPositive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new ModelConfigurationError(`${name} must be a positive number, got ${value}.`);
  }
  return value;
}
