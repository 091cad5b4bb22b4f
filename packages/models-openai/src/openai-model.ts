import {
  type ChatMessage,
  type ChatMessageStreamDelta,
  ModelApiError,
  ModelConfigurationError,
} from "@smol/core";
import { ApiModel, type ApiModelOptions, type CompletionRequest } from "@smol/core/provider-kit";
import OpenAI, { type ClientOptions } from "openai";
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from "openai/resources/chat/completions";
import { fromOpenAIChunk, fromOpenAICompletion, isFinalChunk } from "./convert-from-openai-response.js";
import { toOpenAIRequestBody } from "./convert-to-openai-messages.js";
import { openAIErrorToModelApiError } from "./openai-errors.js";

/** The options `OpenAIModel` takes itself; the others are completion parameters. */
const OPENAI_OPTION_NAMES = [
  "baseUrl",
  "apiBase",
  "apiKey",
  "organization",
  "project",
  "clientOptions",
  "client",
];

export interface OpenAIModelOptions extends ApiModelOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:8000/v1` for vLLM. Default: OpenAI's (or `OPENAI_BASE_URL`). */
  baseUrl?: string;
  /** @deprecated smolagents' name for `baseUrl`, kept for code ported from it. */
  apiBase?: string;
  /** Default: the `OPENAI_API_KEY` environment variable. */
  apiKey?: string;
  organization?: string;
  project?: string;
  /** Any other option of the `openai` client (timeout, fetch, default headers, …). */
  clientOptions?: ClientOptions;
  /** A ready client (an `AzureOpenAI`, a client with custom transport); the options above are then ignored. */
  client?: OpenAI;
}

/**
 * A model served through OpenAI's Chat Completions API: OpenAI itself, or any compatible server
 * (vLLM, llama.cpp's server, LM Studio, a LiteLLM proxy) through `baseUrl`. Options other than
 * the ones below are completion parameters, sent as written and winning over smol's.
 *
 * @example
 * import { REMOVE_PARAMETER } from "@smol/core";
 * import { OpenAIModel } from "@smol/models-openai";
 *
 * const model = new OpenAIModel({ modelId: "gpt-5", stop: REMOVE_PARAMETER, temperature: 0.7 });
 * const reply = await model.generate([{ role: "user", content: "Say hello." }]);
 */
export class OpenAIModel extends ApiModel {
  protected readonly providerName: string = "OpenAI";
  readonly baseUrl: string | undefined;
  readonly organization: string | undefined;
  readonly project: string | undefined;
  protected readonly client: OpenAI;

  constructor(options: OpenAIModelOptions) {
    const { baseUrl, apiBase, apiKey, organization, project, clientOptions, client, ...apiModelOptions } =
      options;
    super(apiModelOptions, OPENAI_OPTION_NAMES);
    this.baseUrl = baseUrl ?? apiBase;
    this.organization = organization;
    this.project = project;
    this.client =
      client ?? this.createClient({ baseUrl: this.baseUrl, apiKey, organization, project, clientOptions });
  }

  /** @deprecated smolagents' name for `baseUrl`. */
  get apiBase(): string | undefined {
    return this.baseUrl;
  }

  private createClient(options: {
    baseUrl?: string | undefined;
    apiKey?: string;
    organization?: string;
    project?: string;
    clientOptions?: ClientOptions;
  }): OpenAI {
    const apiKey = options.apiKey ?? options.clientOptions?.apiKey ?? process.env.OPENAI_API_KEY;
    if (!apiKey) {
      throw new ModelConfigurationError(
        `${this.constructor.name} needs an API key: pass \`apiKey\`, or set the OPENAI_API_KEY environment variable. ` +
          'A local OpenAI-compatible server that checks no key still needs one: pass any string, e.g. apiKey: "local".',
      );
    }
    return new OpenAI({
      ...options.clientOptions,
      apiKey,
      baseURL: options.baseUrl ?? options.clientOptions?.baseURL,
      organization: options.organization ?? options.clientOptions?.organization,
      project: options.project ?? options.clientOptions?.project,
      // ApiModel retries (with Retry-After and the rate limiter); the SDK retrying too would multiply attempts.
      maxRetries: 0,
    });
  }

  protected override async doGenerate(
    request: CompletionRequest,
    signal?: AbortSignal,
  ): Promise<ChatMessage> {
    const body = toOpenAIRequestBody(request, {
      stream: false,
    }) as unknown as ChatCompletionCreateParamsNonStreaming;
    const completion = await this.client.chat.completions.create(body, { signal, maxRetries: 0 });
    return fromOpenAICompletion(completion);
  }

  protected override async *doGenerateStream(
    request: CompletionRequest,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatMessageStreamDelta> {
    const body = toOpenAIRequestBody(request, {
      stream: true,
    }) as unknown as ChatCompletionCreateParamsStreaming;
    const stream = await this.client.chat.completions.create(body, { signal, maxRetries: 0 });
    let finished = false;
    for await (const chunk of stream) {
      if (isFinalChunk(chunk)) finished = true;
      const delta = fromOpenAIChunk(chunk);
      if (delta) yield delta;
    }
    // A connection closed cleanly but early looks like a normal end to the SDK: only the missing
    // finish_reason tells the reply was cut.
    if (!finished && !signal?.aborted) {
      throw new ModelApiError(
        `The stream from the OpenAI API at ${this.client.baseURL} ended before the reply was complete (no finish_reason).`,
        { isRetryable: true },
      );
    }
  }

  protected override toModelApiError(error: unknown): ModelApiError | undefined {
    return openAIErrorToModelApiError(error, this.client.baseURL) ?? super.toModelApiError(error);
  }

  protected override toDictOptions(): Record<string, unknown> {
    return { baseUrl: this.baseUrl, organization: this.organization, project: this.project };
  }
}

/** @deprecated smolagents' former name for `OpenAIModel`, kept for code ported from it. */
export const OpenAIServerModel = OpenAIModel;
/** @deprecated smolagents' former name for `OpenAIModel`. */
export type OpenAIServerModel = OpenAIModel;
