import {
  BedrockRuntimeClient,
  type BedrockRuntimeClientConfig,
  ConverseCommand,
  ConverseStreamCommand,
  type ConverseStreamCommandInput,
} from "@aws-sdk/client-bedrock-runtime";
import { type ChatMessage, type ChatMessageStreamDelta, ModelApiError } from "@smol/core";
import {
  ApiModel,
  type ApiModelOptions,
  type CompletionRequest,
  supportsStopParameter,
} from "@smol/core/provider-kit";
import { bedrockConfigurationError, bedrockErrorToModelApiError } from "./bedrock-errors.js";
import { ConverseStreamTranslator, fromConverseOutput } from "./convert-from-bedrock-response.js";
import { checkConverseParameters, toConverseRequest } from "./convert-to-bedrock-request.js";

export interface AmazonBedrockModelOptions extends ApiModelOptions {
  /**
   * A ready client (its own region, credentials, endpoint, HTTP handler). Its retry policy applies
   * on top of smol's: build it with `maxAttempts: 1` to let smol alone retry.
   */
  client?: BedrockRuntimeClient;
  /** Options for the client smol builds when `client` is not given: `region`, `credentials`, `endpoint`, … */
  clientOptions?: BedrockRuntimeClientConfig;
  /**
   * Send system prompts as the start of the first user message, for models that take no system
   * prompt (Amazon Titan). Default: true for `amazon.titan` models, false otherwise.
   */
  systemPromptAsUserMessage?: boolean;
  /** Converse's generation settings, merged with smol's stop sequences: `{ maxTokens: 3000 }`. */
  inferenceConfig?: Record<string, unknown> | symbol;
  /** `{ guardrailIdentifier, guardrailVersion }`, sent with every request. */
  guardrailConfig?: Record<string, unknown> | symbol;
  /** Model-specific request fields, e.g. `{ top_k: 50 }` or Claude's `{ thinking: … }`. */
  additionalModelRequestFields?: Record<string, unknown> | symbol;
}

/**
 * A model on Amazon Bedrock, through the Converse and ConverseStream APIs of the official AWS SDK.
 * Other options are Converse request fields (`inferenceConfig`, `guardrailConfig`,
 * `additionalModelRequestFields`, `performanceConfig`, …), sent with every request; `maxTokens`,
 * `temperature` and `topP` may also be given at the top level. Credentials and region come from
 * the usual AWS sources (environment, profile, role) unless given.
 *
 * @example
 * import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
 * import { AmazonBedrockModel } from "@smol/models-bedrock";
 *
 * const model = new AmazonBedrockModel({
 *   modelId: "us.amazon.nova-pro-v1:0",
 *   client: new BedrockRuntimeClient({ region: "us-east-1", maxAttempts: 1 }),
 *   inferenceConfig: { maxTokens: 3000 },
 *   guardrailConfig: { guardrailIdentifier: "identify1", guardrailVersion: "1" },
 * });
 * const reply = await model.generate([{ role: "user", content: "Say hello." }]);
 */
export class AmazonBedrockModel extends ApiModel {
  protected readonly providerName = "Amazon Bedrock";
  readonly systemPromptAsUserMessage: boolean;
  protected readonly client: BedrockRuntimeClient;
  private readonly clientOptions: BedrockRuntimeClientConfig | undefined;

  constructor(options: AmazonBedrockModelOptions) {
    const { client, clientOptions, systemPromptAsUserMessage, ...apiModelOptions } = options;
    super(apiModelOptions, ["client", "clientOptions", "systemPromptAsUserMessage"]);
    checkConverseParameters(this.completionParameters);
    this.systemPromptAsUserMessage = systemPromptAsUserMessage ?? /(^|[./])amazon\.titan/.test(this.modelId);
    this.clientOptions = clientOptions;
    // No custom HTTP handler: the SDK's default (HTTP/2) is what Bedrock serves and what its fakes speak.
    // The SDK's own retries are off: ApiModel retries, so one throttle is not retried once per layer.
    this.client = client ?? new BedrockRuntimeClient({ ...clientOptions, maxAttempts: 1 });
  }

  /** Meta's Llama models on Bedrock take no stop sequences: smol cuts their output itself. */
  protected override supportsStopParameter(): boolean {
    return !/(^|[./])meta\.llama/.test(this.modelId) && supportsStopParameter(this.modelId);
  }

  protected override async doGenerate(
    request: CompletionRequest,
    signal?: AbortSignal,
  ): Promise<ChatMessage> {
    const input = toConverseRequest(request, { systemPromptAsUserMessage: this.systemPromptAsUserMessage });
    const output = await this.send(() =>
      this.client.send(new ConverseCommand(input), { abortSignal: signal }),
    );
    return fromConverseOutput(output);
  }

  protected override async *doGenerateStream(
    request: CompletionRequest,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatMessageStreamDelta> {
    const input = toConverseRequest(request, {
      systemPromptAsUserMessage: this.systemPromptAsUserMessage,
    }) as ConverseStreamCommandInput;
    const output = await this.send(() =>
      this.client.send(new ConverseStreamCommand(input), { abortSignal: signal }),
    );
    const translator = new ConverseStreamTranslator();
    for await (const event of output.stream ?? []) {
      const delta = translator.translate(event);
      if (delta) yield delta;
    }
    // A connection closed between two frames ends the SDK's stream quietly: only the missing
    // messageStop tells the reply was cut.
    if (!translator.isComplete && !signal?.aborted) {
      throw new ModelApiError(
        "The stream from Amazon Bedrock ended before the reply was complete (no messageStop).",
        {
          isRetryable: true,
        },
      );
    }
  }

  /** Missing credentials or region are configuration mistakes, reported as such rather than as API errors. */
  private async send<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw bedrockConfigurationError(error) ?? error;
    }
  }

  protected override toModelApiError(error: unknown): ModelApiError | undefined {
    return bedrockErrorToModelApiError(error) ?? super.toModelApiError(error);
  }

  protected override toDictOptions(): Record<string, unknown> {
    const { region, endpoint } = this.clientOptions ?? {};
    const clientOptions: Record<string, unknown> = {};
    if (typeof region === "string") clientOptions.region = region;
    if (typeof endpoint === "string") clientOptions.endpoint = endpoint;
    return {
      systemPromptAsUserMessage: this.systemPromptAsUserMessage,
      ...(Object.keys(clientOptions).length > 0 ? { clientOptions } : {}),
    };
  }
}
