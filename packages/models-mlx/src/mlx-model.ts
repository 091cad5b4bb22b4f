import {
  type ChatMessage,
  type ChatMessageStreamDelta,
  ModelApiError,
  ModelConfigurationError,
} from "@smol/core";
import type { CompletionRequest } from "@smol/core/provider-kit";
import { OpenAIModel, type OpenAIModelOptions } from "@smol/models-openai";
import { MlxServerProcess } from "./mlx-server-process.js";

export interface MLXModelOptions extends Omit<OpenAIModelOptions, "apiBase" | "client"> {
  /** @deprecated The same as `baseUrl`, under smolagents' name for it. */
  apiBase?: string;
  /** A model on the Hugging Face Hub (`mlx-community/…`) or a local MLX model directory. */
  modelId: string;
  /** Attach to an `mlx_lm.server` already running (`http://127.0.0.1:8080`) instead of starting one. */
  baseUrl?: string;
  /** The server executable. Default `mlx_lm.server`, found on the PATH. */
  command?: string;
  /** More arguments for the server, e.g. `["--trust-remote-code"]`. */
  serverArguments?: string[];
  /** Where the started server listens. Default `127.0.0.1`. */
  host?: string;
  /** Default: a free port. */
  port?: number;
  /** How long the first start may take, model download included. Default 30 minutes. */
  startupTimeoutMs?: number;
  /** The server's output while it starts (download progress). Default: written to stderr. */
  onServerOutput?: (text: string) => void;
  /**
   * The machine to assume instead of this one. MLX runs on Apple silicon only; tests use
   * `{ os: "darwin", arch: "arm64" }` to exercise the server logic elsewhere.
   */
  platform?: { os: string; arch: string };
}

const defaultCommand = "mlx_lm.server";
const defaultStartupTimeoutMs = 30 * 60 * 1000;
/** The client's base URL until a started server has its port. */
const unstartedApiBase = "http://127.0.0.1/v1";

/**
 * A model run locally by Apple's MLX: it starts `mlx_lm.server` for the model on first use (which
 * downloads the model from the Hub the first time) and talks to its OpenAI-compatible API, or
 * attaches to a running server through `baseUrl`. Starting a server needs a Mac with Apple silicon;
 * elsewhere the constructor says so. `dispose()` stops the server; so does the end of the process.
 * Other options are completion parameters, as for `OpenAIModel` (`temperature`, `max_tokens`, …).
 *
 * @example
 * import { CodeAgent } from "@smol/core";
 * import { MLXModel } from "@smol/models-mlx";
 *
 * await using mlxModel = new MLXModel("mlx-community/Qwen2.5-Coder-32B-Instruct-4bit");
 * const agent = new CodeAgent({ model: mlxModel, tools: [], addBaseTools: true });
 * await agent.run("Could you give me the 118th number in the Fibonacci sequence?");
 */
export class MLXModel extends OpenAIModel implements AsyncDisposable {
  protected override readonly providerName: string = "mlx_lm.server";
  override readonly baseUrl: string | undefined;
  readonly command: string;
  readonly serverArguments: readonly string[];
  readonly host: string;
  readonly port: number | undefined;
  readonly startupTimeoutMs: number;
  private readonly server: MlxServerProcess | undefined;

  constructor(modelIdOrOptions: string | MLXModelOptions, options: Omit<MLXModelOptions, "modelId"> = {}) {
    const resolved: MLXModelOptions =
      typeof modelIdOrOptions === "string" ? { ...options, modelId: modelIdOrOptions } : modelIdOrOptions;
    const {
      baseUrl: givenBaseUrl,
      apiBase,
      command = defaultCommand,
      serverArguments = [],
      host = "127.0.0.1",
      port,
      startupTimeoutMs = defaultStartupTimeoutMs,
      onServerOutput = (text: string) => process.stderr.write(text),
      platform = { os: process.platform, arch: process.arch },
      ...openAIOptions
    } = resolved;
    const baseUrl = givenBaseUrl ?? apiBase;
    if (baseUrl === undefined && !(platform.os === "darwin" && platform.arch === "arm64")) {
      throw new ModelConfigurationError(
        `MLXModel starts mlx_lm.server, which runs on Apple silicon only (macOS on arm64); this machine is ${platform.os} ${platform.arch}. ` +
          "Pass `baseUrl` to use a server running on a Mac, or run the model here with LlamaCppModel (@smol/models-llamacpp) or TransformersModel (@smol/models-transformers).",
      );
    }
    // mlx_lm.server checks no key, but the OpenAI client wants one.
    super({ apiKey: "mlx", ...openAIOptions, apiBase: baseUrl ? toApiBase(baseUrl) : unstartedApiBase });
    this.baseUrl = baseUrl;
    this.command = command;
    this.serverArguments = [...serverArguments];
    this.host = host;
    this.port = port;
    this.startupTimeoutMs = startupTimeoutMs;
    this.server =
      baseUrl === undefined
        ? new MlxServerProcess({
            modelId: this.modelId,
            command,
            serverArguments,
            host,
            port,
            startupTimeoutMs,
            onOutput: onServerOutput,
          })
        : undefined;
  }

  /**
   * Starts the server now (it starts on the first call otherwise), for a first download to happen
   * before the agent runs. Resolves once the server answers.
   */
  async start(signal?: AbortSignal): Promise<void> {
    if (!this.server) return;
    const serverUrl = await this.server.start(signal);
    // The port is known only now: point the OpenAI client at it.
    this.client.baseURL = toApiBase(serverUrl);
  }

  /** Stops a server this model started. A later call starts a new one. */
  async dispose(): Promise<void> {
    await this.server?.stop();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  protected override async doGenerate(
    request: CompletionRequest,
    signal?: AbortSignal,
  ): Promise<ChatMessage> {
    await this.start(signal);
    return super.doGenerate(request, signal);
  }

  protected override async *doGenerateStream(
    request: CompletionRequest,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatMessageStreamDelta> {
    await this.start(signal);
    yield* super.doGenerateStream(request, signal);
  }

  protected override toModelApiError(error: unknown): ModelApiError | undefined {
    const mapped = super.toModelApiError(error);
    if (!mapped || mapped.message.includes(this.providerName)) return mapped;
    // The OpenAI layer names "the OpenAI API"; say which server it was.
    return new ModelApiError(`mlx_lm.server (${this.modelId}): ${mapped.message}`, {
      statusCode: mapped.statusCode,
      isRetryable: mapped.isRetryable,
      retryAfterSeconds: mapped.retryAfterSeconds,
      responseBody: mapped.responseBody,
      cause: mapped.cause,
    });
  }

  protected override toDictOptions(): Record<string, unknown> {
    return {
      baseUrl: this.baseUrl,
      command: this.command === defaultCommand ? undefined : this.command,
      serverArguments: this.serverArguments.length > 0 ? [...this.serverArguments] : undefined,
      host: this.host,
      port: this.port,
      startupTimeoutMs: this.startupTimeoutMs,
    };
  }
}

/** `http://host:8080` or `http://host:8080/v1` → `http://host:8080/v1`. */
function toApiBase(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, "");
  return trimmed.endsWith("/v1") ? trimmed : `${trimmed}/v1`;
}
