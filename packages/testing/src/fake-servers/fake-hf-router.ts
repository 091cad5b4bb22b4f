import type { ServerResponse } from "node:http";
import { type FaultPlan, faultPicker } from "./faults.js";
import { sendJson } from "./http.js";
import { type OpenAICompatibleDialect, respondToChatCompletion } from "./openai-compatible-chat.js";
import type { FakeReply } from "./openai-wire.js";
import { type FakeHttpRequest, ReplyQueue, startRecordingServer } from "./recording-server.js";

/** One entry of a model's `inferenceProviderMapping` on the Hub. */
export interface FakeProviderMapping {
  provider: string;
  /** The provider's own name for the model. */
  providerId: string;
  status?: "live" | "staging";
  task?: string;
}

export interface FakeHFRouterOptions {
  /** Replies in order, or a function of each chat request. Faulted requests do not use one up. */
  replies?: FakeReply[] | ((request: FakeHttpRequest) => FakeReply | Promise<FakeReply>);
  faults?: FaultPlan<FakeHttpRequest>;
  /** When set, chat requests without `Authorization: Bearer <token>` get a 401. */
  token?: string;
  /** What `GET /api/models/{id}?expand[]=inferenceProviderMapping` answers, by Hub model id. */
  providerMappings?: Record<string, FakeProviderMapping[]>;
  /** Characters per streamed piece. Default 8. */
  chunkSize?: number;
}

export interface FakeHFRouter extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`; `${url}/v1` is an OpenAI-compatible endpoint (`endpointUrl`). */
  readonly url: string;
  readonly requests: FakeHttpRequest[];
  /** The chat completion requests, in order. */
  readonly chatRequests: FakeHttpRequest[];
  /**
   * A `fetch` that sends every request to this server, whatever its origin (`router.huggingface.co`,
   * `huggingface.co`, a provider's API), keeping path and query and recording the origin in the
   * `x-fake-origin` header. `@huggingface/inference` hard-codes those origins; its `fetch` option
   * is the documented way to redirect them.
   */
  readonly fetch: typeof fetch;
  pushReplies(...replies: FakeReply[]): void;
  close(): Promise<void>;
}

/** HF's services answer errors as `{ "error": "…" }`. */
const hfDialect: OpenAICompatibleDialect = {
  name: "fake HF router",
  errorBody: (message, kind) => ({ error: message, error_type: kind }),
};

/**
 * Starts a local stand-in for Hugging Face's inference router: the OpenAI-compatible
 * `/v1/chat/completions` (the "auto" router, or a custom endpoint), per-provider routes such as
 * `/together/v1/chat/completions`, and the Hub's provider-mapping lookup
 * `/api/models/{id}?expand[]=inferenceProviderMapping`. Listens on 127.0.0.1.
 *
 * @example
 * await using router = await startFakeHFRouter({ replies: ["Hello!"], token: "hf_test" });
 * const model = new InferenceClientModel({ token: "hf_test", fetch: router.fetch });
 */
export async function startFakeHFRouter(options: FakeHFRouterOptions = {}): Promise<FakeHFRouter> {
  const replies = new ReplyQueue(options.replies);
  const pickFault = faultPicker(options.faults);
  let chatCount = 0;
  let completionCount = 0;

  async function route(request: FakeHttpRequest, response: ServerResponse): Promise<boolean> {
    if (request.method === "GET" && request.path.startsWith("/api/models/")) {
      answerProviderMapping(request, response, options.providerMappings ?? {});
      return true;
    }
    if (request.method !== "POST" || !request.path.endsWith("/chat/completions")) return false;
    if (options.token !== undefined && request.headers.authorization !== `Bearer ${options.token}`) {
      sendJson(response, 401, { error: "Invalid credentials in Authorization header" });
      return true;
    }
    const fault = pickFault(request, chatCount++);
    if (fault) request.fault = fault;
    await respondToChatCompletion({
      request,
      response,
      fault,
      replies,
      dialect: hfDialect,
      completionNumber: () => ++completionCount,
      chunkSize: Math.max(1, options.chunkSize ?? 8),
    });
    return true;
  }

  const server = await startRecordingServer({
    name: hfDialect.name,
    route,
    errorBody: (message) => ({ error: message }),
  });
  const redirectingFetch: typeof fetch = (input, init) => {
    const original = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(input instanceof Request ? input.headers : undefined);
    new Headers(init?.headers).forEach((value, name) => {
      headers.set(name, value);
    });
    headers.set("x-fake-origin", original.host);
    return fetch(`${server.url}${original.pathname}${original.search}`, { ...init, headers });
  };
  return {
    url: server.url,
    requests: server.requests,
    get chatRequests() {
      return server.requests.filter((request) => request.path.endsWith("/chat/completions"));
    },
    fetch: redirectingFetch,
    pushReplies: (...more) => replies.push(...more),
    close: server.close,
    [Symbol.asyncDispose]: server.close,
  };
}

function answerProviderMapping(
  request: FakeHttpRequest,
  response: ServerResponse,
  mappings: Record<string, FakeProviderMapping[]>,
): void {
  const modelId = decodeURIComponent(request.path.slice("/api/models/".length));
  const entries = mappings[modelId];
  if (!entries) {
    sendJson(response, 404, { error: "Repository not found" });
    return;
  }
  sendJson(response, 200, {
    _id: `fake-${modelId}`,
    id: modelId,
    inferenceProviderMapping: entries.map((entry) => ({
      provider: entry.provider,
      providerId: entry.providerId,
      hfModelId: modelId,
      status: entry.status ?? "live",
      task: entry.task ?? "conversational",
    })),
  });
}
