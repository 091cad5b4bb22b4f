import type { ServerResponse } from "node:http";
import { type FaultPlan, faultPicker } from "./faults.js";
import { sendJson } from "./http.js";
import { type OpenAICompatibleDialect, respondToChatCompletion } from "./openai-compatible-chat.js";
import type { FakeReply } from "./openai-wire.js";
import { type FakeHttpRequest, ReplyQueue, startRecordingServer } from "./recording-server.js";

export interface FakeAzureOpenAIOptions {
  /** Replies in order, or a function of each chat request. Faulted requests do not use one up. */
  replies?: FakeReply[] | ((request: FakeHttpRequest) => FakeReply | Promise<FakeReply>);
  faults?: FaultPlan<FakeHttpRequest>;
  /** Deployments that exist; another name gets Azure's 404 `DeploymentNotFound`. Default `["gpt-4o-mini"]`. */
  deployments?: string[];
  /** The key the `api-key` header must carry. Default `"azure-test-key"`. */
  apiKey?: string;
  /** A Microsoft Entra ID token accepted as `Authorization: Bearer <token>` instead of the key. */
  entraToken?: string;
  chunkSize?: number;
}

export interface FakeAzureOpenAI extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`: what `AzureOpenAI` takes as `endpoint`. */
  readonly url: string;
  readonly requests: FakeHttpRequest[];
  readonly chatRequests: FakeHttpRequest[];
  pushReplies(...replies: FakeReply[]): void;
  close(): Promise<void>;
}

const contentFilterResults = {
  hate: { filtered: false, severity: "safe" },
  self_harm: { filtered: false, severity: "safe" },
  sexual: { filtered: false, severity: "safe" },
  violence: { filtered: false, severity: "safe" },
};

/** Azure's error bodies carry a `code`; its streams open with a chunk of prompt filter results and no choice. */
const azureDialect: OpenAICompatibleDialect = {
  name: "fake Azure OpenAI",
  errorBody: (message, kind) => ({
    error: {
      code: kind === "rate_limit" ? "429" : kind === "server_error" ? "InternalServerError" : "BadRequest",
      message,
    },
  }),
  rateLimitHeaders: (fault): Record<string, string> =>
    fault.retryAfterMs !== undefined ? { "retry-after-ms": String(fault.retryAfterMs) } : {},
  leadingChunks: () => [
    {
      choices: [],
      created: 0,
      id: "",
      model: "",
      object: "",
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: contentFilterResults }],
    },
  ],
  completionExtras: () => ({
    prompt_filter_results: [{ prompt_index: 0, content_filter_results: contentFilterResults }],
  }),
};

const deploymentPath = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;

/**
 * Starts a local stand-in for an Azure OpenAI resource: `POST
 * /openai/deployments/{deployment}/chat/completions?api-version=…` authenticated by the `api-key`
 * header (or an Entra ID bearer token), with Azure's error shapes and stream preamble.
 *
 * @example
 * await using azure = await startFakeAzureOpenAI({ replies: ["Hi"], deployments: ["gpt-4o-mini"] });
 * new AzureOpenAIModel({ modelId: "gpt-4o-mini", azureEndpoint: azure.url, apiKey: "azure-test-key", apiVersion: "2024-10-21" });
 */
export async function startFakeAzureOpenAI(options: FakeAzureOpenAIOptions = {}): Promise<FakeAzureOpenAI> {
  const replies = new ReplyQueue(options.replies);
  const pickFault = faultPicker(options.faults);
  const deployments = new Set(options.deployments ?? ["gpt-4o-mini"]);
  const apiKey = options.apiKey ?? "azure-test-key";
  let chatCount = 0;
  let completionCount = 0;

  async function route(request: FakeHttpRequest, response: ServerResponse): Promise<boolean> {
    const match = deploymentPath.exec(request.path);
    if (request.method !== "POST" || !match) return false;
    if (!request.query["api-version"]) {
      sendJson(response, 404, { error: { code: "404", message: "Resource not found" } });
      return true;
    }
    const keyMatches = request.headers["api-key"] === apiKey;
    const tokenMatches =
      options.entraToken !== undefined && request.headers.authorization === `Bearer ${options.entraToken}`;
    if (!keyMatches && !tokenMatches) {
      sendJson(response, 401, {
        error: {
          code: "401",
          message:
            "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
        },
      });
      return true;
    }
    const deployment = decodeURIComponent(match[1]!);
    if (!deployments.has(deployment)) {
      sendJson(response, 404, {
        error: {
          code: "DeploymentNotFound",
          message:
            "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
        },
      });
      return true;
    }
    const fault = pickFault(request, chatCount++);
    if (fault) request.fault = fault;
    await respondToChatCompletion({
      request,
      response,
      fault,
      replies,
      dialect: azureDialect,
      completionNumber: () => ++completionCount,
      chunkSize: Math.max(1, options.chunkSize ?? 8),
    });
    return true;
  }

  const server = await startRecordingServer({
    name: azureDialect.name,
    route,
    errorBody: (message) => azureDialect.errorBody(message, "invalid_request"),
  });
  return {
    url: server.url,
    requests: server.requests,
    get chatRequests() {
      return server.requests.filter((request) => deploymentPath.test(request.path));
    },
    pushReplies: (...more) => replies.push(...more),
    close: server.close,
    [Symbol.asyncDispose]: server.close,
  };
}
