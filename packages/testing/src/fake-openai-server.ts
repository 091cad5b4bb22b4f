import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { type Fault, type FaultPlan, faultPicker } from "./fake-servers/faults.js";
import { closeServer, listenOnLoopback, readBody, sendJson, writeAndWait } from "./fake-servers/http.js";
import {
  breakJson,
  chatCompletion,
  chatCompletionChunks,
  errorBody,
  type FakeReply,
  toWireReply,
  type WireContext,
  type WireReply,
} from "./fake-servers/openai-wire.js";

export type { Fault, FaultKind, FaultPlan, FaultSpec } from "./fake-servers/faults.js";
export type { FakeReply, FakeToolCall } from "./fake-servers/openai-wire.js";

/** One request the server received, whatever became of it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (`undefined` for a GET). */
  body: Record<string, any> | undefined;
  /** The fault injected into this request, if any. */
  fault?: Fault;
}

export interface FakeOpenAIServerOptions {
  /** Replies in order, or a function of each chat request. Faulted requests do not use one up. */
  replies?: FakeReply[] | ((request: RecordedRequest) => FakeReply | Promise<FakeReply>);
  /** Failures to inject into chat requests; see `FaultPlan`. */
  faults?: FaultPlan<RecordedRequest>;
  /** Listed by `GET /v1/models`. Default `["fake-model"]`. */
  models?: string[];
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401. */
  apiKey?: string;
  /** Characters per streamed text piece and tool-argument fragment. Default 8. */
  chunkSize?: number;
}

export interface FakeOpenAIServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `http://127.0.0.1:<port>/v1`, what the OpenAI SDK takes as `baseURL`. */
  readonly baseURL: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** The bodies of the `POST /v1/chat/completions` requests, in order. */
  readonly chatRequests: Record<string, any>[];
  /** Queue more replies (when `replies` is a list). */
  pushReplies(...replies: FakeReply[]): void;
  close(): Promise<void>;
}

/**
 * Starts a local server that speaks OpenAI's Chat Completions protocol (JSON and SSE streaming,
 * tool calls streamed as argument fragments, usage, `GET /v1/models`), answers with scripted
 * replies and can inject faults. It listens on 127.0.0.1, on a free port.
 *
 * @example
 * await using server = await startFakeOpenAIServer({ replies: ["Hello!"], faults: ["rate-limit"] });
 * const client = new OpenAI({ baseURL: server.baseURL, apiKey: "test", maxRetries: 0 });
 * // first call: 429 with Retry-After; second call: "Hello!"
 */
export async function startFakeOpenAIServer(
  options: FakeOpenAIServerOptions = {},
): Promise<FakeOpenAIServer> {
  const requests: RecordedRequest[] = [];
  const queue = Array.isArray(options.replies) ? [...options.replies] : [];
  const replyFunction = typeof options.replies === "function" ? options.replies : undefined;
  const pickFault = faultPicker(options.faults);
  const chunkSize = Math.max(1, options.chunkSize ?? 8);
  let chatRequestCount = 0;
  let completionCount = 0;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const text = await readBody(request);
    const recorded: RecordedRequest = {
      method: request.method ?? "GET",
      path,
      headers: request.headers,
      body: undefined,
    };
    requests.push(recorded);
    if (text !== "") {
      try {
        recorded.body = JSON.parse(text);
      } catch {
        sendJson(response, 400, errorBody("The request body is not valid JSON.", "invalid_request_error"));
        return;
      }
    }
    if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      sendJson(
        response,
        401,
        errorBody("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"),
      );
      return;
    }
    if (request.method === "GET" && path === "/v1/models") {
      sendJson(response, 200, {
        object: "list",
        data: (options.models ?? ["fake-model"]).map((id) => ({
          id,
          object: "model",
          created: 0,
          owned_by: "smol",
        })),
      });
      return;
    }
    if (request.method === "POST" && path === "/v1/chat/completions") {
      await handleChatCompletion(recorded, response);
      return;
    }
    sendJson(response, 404, errorBody(`No route for ${request.method} ${path}.`, "invalid_request_error"));
  }

  async function handleChatCompletion(recorded: RecordedRequest, response: ServerResponse): Promise<void> {
    const body = recorded.body ?? {};
    const fault = pickFault(recorded, chatRequestCount++);
    if (fault) recorded.fault = fault;
    if (fault?.kind === "rate-limit") {
      const headers: Record<string, string> = { "retry-after": String(fault.retryAfterSeconds ?? 0) };
      if (fault.retryAfterMs !== undefined) headers["retry-after-ms"] = String(fault.retryAfterMs);
      sendJson(
        response,
        429,
        errorBody("Rate limit reached, retry later.", "requests", "rate_limit_exceeded"),
        headers,
      );
      return;
    }
    if (fault?.kind === "server-error") {
      sendJson(response, fault.status ?? 500, errorBody("The server had an error.", "server_error"));
      return;
    }
    if (fault?.kind === "drop-connection") {
      response.socket?.destroy();
      return;
    }

    // A truncated response is retried by a good client: it must find the same reply again.
    const scripted = await nextReply(recorded, fault?.kind !== "truncate-stream");
    if (scripted === undefined) {
      sendJson(
        response,
        400,
        errorBody(
          `fake OpenAI server: no scripted reply left for chat request #${chatRequestCount} ` +
            "(give more `replies`, or a function).",
          "invalid_request_error",
        ),
      );
      return;
    }
    const context: WireContext = {
      id: `chatcmpl-fake-${++completionCount}`,
      model: String(body.model ?? "fake-model"),
      created: Math.floor(Date.now() / 1000),
    };
    let reply = toWireReply(scripted, body, `call_${completionCount}`);
    if (fault?.kind === "malformed-tool-call") reply = withMalformedToolCall(reply, fault.toolName);

    if (body.stream === true) {
      await streamReply(response, reply, context, body, fault);
      return;
    }
    const text = JSON.stringify(chatCompletion(reply, context));
    if (fault?.kind === "truncate-stream") {
      response.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
      });
      await writeAndWait(response, text.slice(0, Math.floor(text.length / 2)));
      response.socket?.destroy();
      return;
    }
    sendJson(response, 200, JSON.parse(text));
  }

  async function nextReply(recorded: RecordedRequest, consume: boolean): Promise<FakeReply | undefined> {
    if (replyFunction) return replyFunction(recorded);
    return consume ? queue.shift() : queue[0];
  }

  async function streamReply(
    response: ServerResponse,
    reply: WireReply,
    context: WireContext,
    body: Record<string, any>,
    fault: Fault | undefined,
  ): Promise<void> {
    const chunks = chatCompletionChunks(reply, context, {
      includeUsage: body.stream_options?.include_usage === true,
      chunkSize,
    });
    response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    response.flushHeaders();
    const limit = fault?.kind === "truncate-stream" ? (fault.afterChunks ?? 2) : chunks.length;
    for (const chunk of chunks.slice(0, limit))
      await writeAndWait(response, `data: ${JSON.stringify(chunk)}\n\n`);
    if (fault?.kind === "truncate-stream") {
      if (fault.endCleanly) response.end();
      else response.socket?.destroy();
      return;
    }
    response.end("data: [DONE]\n\n");
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      // A reply function that throws is a bug in the test: say so in a non-retryable answer.
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      sendJson(response, 400, errorBody(`fake OpenAI server: ${message}`, "invalid_request_error"));
    });
  });
  const url = await listenOnLoopback(server);
  const close = () => closeServer(server);
  return {
    url,
    baseURL: `${url}/v1`,
    requests,
    get chatRequests() {
      return requests
        .filter((request) => request.path === "/v1/chat/completions")
        .map((request) => request.body ?? {});
    },
    pushReplies: (...replies) => {
      queue.push(...replies);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

function withMalformedToolCall(reply: WireReply, toolName = "final_answer"): WireReply {
  const toolCalls =
    reply.toolCalls.length > 0
      ? reply.toolCalls.map((call) => ({ ...call, arguments: breakJson(call.arguments) }))
      : [
          {
            id: "call_malformed_0",
            name: toolName,
            arguments: breakJson(JSON.stringify({ answer: reply.content ?? "" })),
          },
        ];
  return {
    ...reply,
    content: reply.toolCalls.length > 0 ? reply.content : null,
    toolCalls,
    finishReason: "tool_calls",
  };
}
