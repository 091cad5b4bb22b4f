import { type Options as HFCallOptions, InferenceClient } from "@huggingface/inference";
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
import { fromHFChunk, fromHFCompletion, isFinalHFChunk } from "./convert-from-hf-response.js";
import { toHFRequestBody } from "./convert-to-hf-messages.js";
import { hfErrorToSmolError } from "./hf-errors.js";
import type { HFChatCompletionArguments } from "./hf-types.js";
import { type HFRouting, resolveRouting } from "./provider-routing.js";

/**
 * The model used when none is given: smolagents' own default, a model that Inference Providers
 * serve, that writes code well and calls tools natively, so that `new InferenceClientModel()`
 * works for both CodeAgent and ToolCallingAgent.
 */
export const DEFAULT_HF_MODEL_ID = "Qwen/Qwen3-Next-80B-A3B-Thinking";

export interface InferenceClientModelOptions extends Partial<ApiModelOptions> {
  /** A Hub model id. Default: `DEFAULT_HF_MODEL_ID`. */
  modelId?: string;
  /**
   * Who serves the model: `"auto"` (default: the first provider available, in the order set at
   * hf.co/settings/inference-providers) or a provider such as `"together"`, `"sambanova"`,
   * `"cerebras"`, `"fireworks-ai"`, `"nebius"`, `"novita"`, `"hf-inference"`.
   */
  provider?: string;
  /**
   * A Hugging Face token (`hf_…`), or a provider's own key when `provider` names that provider.
   * Default: the HF_TOKEN environment variable.
   */
  token?: string;
  /** Same as `token`. */
  apiKey?: string;
  /** An organization to bill instead of the token's user (sent as the `X-HF-Bill-To` header). */
  billTo?: string;
  /**
   * Call this URL instead of the router: a dedicated Inference Endpoint, a TGI or vLLM server, any
   * OpenAI-compatible server (`…/v1` or its root). No token is needed for a local server.
   */
  baseUrl?: string;
  /** @deprecated smolagents' name for `baseUrl`. */
  endpointUrl?: string;
  /** Seconds without an answer (or, while streaming, without a new event) before giving up. Default 120. */
  timeout?: number;
  /** The `fetch` the SDK uses: for a proxy, custom headers, or a test server. */
  fetch?: typeof fetch;
}

/**
 * A model served by Hugging Face Inference Providers (Cerebras, Cohere, Fireworks, HF Inference,
 * Hyperbolic, Nebius, Novita, SambaNova, Together, …) through `@huggingface/inference`, or by a
 * dedicated endpoint. Streams, calls tools natively, reports token usage, and passes
 * `responseFormat` (JSON schema structured output) to providers that support it. Options other
 * than the ones below are completion parameters (`temperature`, `max_tokens`, `top_p`, …), sent as
 * written and winning over smol's; `REMOVE_PARAMETER` removes one.
 *
 * @example
 * import { CodeAgent } from "@smol/core";
 * import { InferenceClientModel } from "@smol/models-hf";
 *
 * const model = new InferenceClientModel({ modelId: "meta-llama/Llama-3.3-70B-Instruct", provider: "together" });
 * const agent = new CodeAgent({ tools: [], model, addBaseTools: true });
 * await agent.run("Could you give me the 118th number in the Fibonacci sequence?");
 */
export class InferenceClientModel extends ApiModel {
  protected readonly providerName = "Hugging Face";
  readonly provider: string | undefined;
  readonly baseUrl: string | undefined;
  readonly billTo: string | undefined;
  /** Seconds; `undefined` when no timeout applies. */
  readonly timeout: number | undefined;
  private readonly routing: HFRouting;
  private readonly client: InferenceClient;
  private readonly baseFetch: typeof fetch;

  constructor(options: InferenceClientModelOptions = {}) {
    const {
      modelId,
      provider,
      token,
      apiKey,
      billTo,
      baseUrl,
      endpointUrl,
      timeout,
      fetch: customFetch,
      ...apiModelOptions
    } = options;
    super({ ...apiModelOptions, modelId: modelId ?? DEFAULT_HF_MODEL_ID }, [
      "provider",
      "token",
      "apiKey",
      "billTo",
      "baseUrl",
      "endpointUrl",
      "timeout",
      "fetch",
    ]);
    this.provider = provider;
    this.baseUrl = baseUrl ?? endpointUrl;
    this.billTo = billTo;
    this.timeout = checkTimeout(timeout ?? 120);
    this.routing = resolveRouting({ modelId: this.modelId, provider, baseUrl: this.baseUrl });
    const accessToken = token ?? apiKey ?? process.env.HF_TOKEN;
    if (!accessToken && this.baseUrl === undefined) {
      throw new ModelConfigurationError(
        "InferenceClientModel needs a Hugging Face token: pass `token`, or set the HF_TOKEN environment variable " +
          "(create one at https://huggingface.co/settings/tokens; a free account includes credits).",
      );
    }
    this.client = new InferenceClient(accessToken ?? "");
    this.baseFetch = customFetch ?? globalThis.fetch;
  }

  protected override async doGenerate(
    request: CompletionRequest,
    signal?: AbortSignal,
  ): Promise<ChatMessage> {
    const scope = this.openScope(signal);
    try {
      const completion = await this.client.chatCompletion(
        this.chatArguments(request, false),
        this.callOptions(scope),
      );
      return fromHFCompletion(completion);
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
    let finished = false;
    let completed = false;
    try {
      const stream = this.client.chatCompletionStream(
        this.chatArguments(request, true),
        this.callOptions(scope),
      );
      for await (const chunk of stream) {
        scope.touch();
        if (isFinalHFChunk(chunk)) finished = true;
        const delta = fromHFChunk(chunk);
        if (delta) yield delta;
      }
      completed = true;
    } catch (error) {
      throw this.mapError(error, scope);
    } finally {
      // A consumer that stops reading early leaves the response open: close it.
      if (!completed) scope.abandon();
      scope.finish();
    }
    // A connection closed cleanly but early looks like a normal end: only the missing
    // finish_reason tells that the reply was cut.
    if (!finished && !signal?.aborted) {
      throw new ModelApiError(
        `The stream from ${this.routing.description} ended before the reply was complete.`,
        {
          isRetryable: true,
        },
      );
    }
  }

  protected override toDictOptions(): Record<string, unknown> {
    return { provider: this.provider, baseUrl: this.baseUrl, billTo: this.billTo, timeout: this.timeout };
  }

  private chatArguments(request: CompletionRequest, stream: boolean): HFChatCompletionArguments {
    const body = toHFRequestBody(request, { stream, model: this.routing.model });
    // The SDK refuses a provider next to an endpoint URL, even "auto".
    return this.routing.endpointUrl !== undefined
      ? { ...body, endpointUrl: this.routing.endpointUrl }
      : { ...body, provider: this.routing.provider };
  }

  private callOptions(scope: RequestScope): HFCallOptions {
    // ApiModel retries (with backoff and Retry-After); the SDK's own retry of 503s has no limit.
    return { fetch: scope.fetch, retry_on_error: false, ...(this.billTo ? { billTo: this.billTo } : {}) };
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
      hfErrorToSmolError(error, {
        responseHeaders: scope.lastResponse?.headers,
        timedOut: scope.timedOut,
        timeoutSeconds: this.timeout,
        target: this.routing.description,
      }) ?? error
    );
  }
}

function checkTimeout(timeout: number): number | undefined {
  if (timeout === Number.POSITIVE_INFINITY) return undefined;
  if (!(timeout > 0)) {
    throw new ModelConfigurationError(
      `timeout must be a number of seconds > 0 (or Infinity for none), got ${timeout}.`,
    );
  }
  return timeout;
}
