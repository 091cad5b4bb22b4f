import { type ModelApiError, ModelConfigurationError } from "@smol/core";
import type { ApiModelOptions } from "@smol/core/provider-kit";
import { OpenAIModel } from "@smol/models-openai";
import { AzureOpenAI } from "openai";
import type { AzureClientOptions } from "openai/azure";
import { azureErrorToModelApiError } from "./azure-errors.js";

export interface AzureOpenAIModelOptions extends ApiModelOptions {
  /** The name of your deployment (not of the model behind it), e.g. `"gpt-4o-mini"`. */
  modelId: string;
  /** `https://<resource>.openai.azure.com`. Default: the AZURE_OPENAI_ENDPOINT environment variable. */
  azureEndpoint?: string;
  /** Default: the AZURE_OPENAI_API_KEY environment variable. Not with `azureADTokenProvider`. */
  apiKey?: string;
  /** e.g. `"2024-10-21"`. Default: the OPENAI_API_VERSION environment variable. */
  apiVersion?: string;
  /**
   * Microsoft Entra ID authentication instead of a key: a function returning a fresh access token,
   * called before each request (e.g. `getBearerTokenProvider(new DefaultAzureCredential(),
   * "https://cognitiveservices.azure.com/.default")` from `@azure/identity`).
   */
  azureADTokenProvider?: () => Promise<string>;
  /** Any other option of the `AzureOpenAI` client (timeout, fetch, default headers, …). */
  clientOptions?: AzureClientOptions;
  /** A ready client; the options above are then ignored. */
  client?: AzureOpenAI;
}

/**
 * OpenAI models deployed on Azure, through the `AzureOpenAI` client of the official `openai`
 * package: same streaming, tool calls, usage, images and structured output as `OpenAIModel`,
 * with Azure's URLs (`/openai/deployments/{deployment}/…?api-version=…`), `api-key` or Entra ID
 * authentication, and Azure's error hints. Options other than the ones below are completion
 * parameters, sent as written; `REMOVE_PARAMETER` removes one.
 *
 * @example
 * import { CodeAgent } from "@smol/core";
 * import { AzureOpenAIModel } from "@smol/models-azure";
 *
 * // AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY and OPENAI_API_VERSION are set.
 * const model = new AzureOpenAIModel({ modelId: "gpt-4o-mini" });
 * const agent = new CodeAgent({ tools: [], model, addBaseTools: true });
 * await agent.run("Could you give me the 118th number in the Fibonacci sequence?");
 */
export class AzureOpenAIModel extends OpenAIModel {
  protected override readonly providerName: string = "Azure OpenAI";
  readonly azureEndpoint: string | undefined;
  readonly apiVersion: string | undefined;

  constructor(options: AzureOpenAIModelOptions) {
    const {
      azureEndpoint,
      apiKey,
      apiVersion,
      azureADTokenProvider,
      clientOptions,
      client,
      ...apiModelOptions
    } = options;
    const endpoint = azureEndpoint ?? process.env.AZURE_OPENAI_ENDPOINT;
    const version = apiVersion ?? clientOptions?.apiVersion ?? process.env.OPENAI_API_VERSION;
    super({
      ...apiModelOptions,
      client:
        client ??
        createAzureClient({
          deployment: options.modelId,
          endpoint,
          apiVersion: version,
          apiKey: apiKey ?? clientOptions?.apiKey,
          azureADTokenProvider: azureADTokenProvider ?? clientOptions?.azureADTokenProvider,
          clientOptions,
        }),
    });
    this.azureEndpoint = client ? undefined : endpoint;
    this.apiVersion = client ? client.apiVersion : version;
  }

  protected override toModelApiError(error: unknown): ModelApiError | undefined {
    return (
      azureErrorToModelApiError(error, { deployment: this.modelId, endpoint: this.azureEndpoint }) ??
      super.toModelApiError(error)
    );
  }

  protected override toDictOptions(): Record<string, unknown> {
    return { azureEndpoint: this.azureEndpoint, apiVersion: this.apiVersion };
  }
}

function createAzureClient(options: {
  deployment: string | undefined;
  endpoint: string | undefined;
  apiVersion: string | undefined;
  apiKey: string | undefined;
  azureADTokenProvider: (() => Promise<string>) | undefined;
  clientOptions: AzureClientOptions | undefined;
}): AzureOpenAI {
  if (typeof options.deployment !== "string" || options.deployment.trim() === "") {
    throw new ModelConfigurationError(
      'AzureOpenAIModel needs a modelId: the name of your Azure deployment, e.g. new AzureOpenAIModel({ modelId: "gpt-4o-mini" }).',
    );
  }
  const baseURL = options.clientOptions?.baseURL;
  if (!options.endpoint && !baseURL) {
    throw new ModelConfigurationError(
      "AzureOpenAIModel needs your resource's endpoint: pass `azureEndpoint` (https://<resource>.openai.azure.com), " +
        "or set the AZURE_OPENAI_ENDPOINT environment variable.",
    );
  }
  if (!options.apiVersion) {
    throw new ModelConfigurationError(
      'AzureOpenAIModel needs an API version: pass `apiVersion` (e.g. "2024-10-21"), or set the OPENAI_API_VERSION environment variable.',
    );
  }
  if (options.apiKey && options.azureADTokenProvider) {
    throw new ModelConfigurationError(
      "AzureOpenAIModel takes either `apiKey` or `azureADTokenProvider`, not both.",
    );
  }
  const apiKey = options.azureADTokenProvider
    ? undefined
    : (options.apiKey ?? process.env.AZURE_OPENAI_API_KEY);
  if (!apiKey && !options.azureADTokenProvider) {
    throw new ModelConfigurationError(
      "AzureOpenAIModel needs credentials: pass `apiKey`, set the AZURE_OPENAI_API_KEY environment variable, " +
        "or pass `azureADTokenProvider` for Microsoft Entra ID.",
    );
  }
  return new AzureOpenAI({
    ...options.clientOptions,
    // A stray OPENAI_BASE_URL would otherwise clash with the endpoint.
    baseURL: baseURL ?? null,
    ...(baseURL ? {} : { endpoint: options.endpoint }),
    apiVersion: options.apiVersion,
    deployment: options.deployment,
    ...(options.azureADTokenProvider ? { azureADTokenProvider: options.azureADTokenProvider } : { apiKey }),
    // ApiModel retries (with Retry-After and the rate limiter); the SDK retrying too would multiply attempts.
    maxRetries: 0,
  });
}
