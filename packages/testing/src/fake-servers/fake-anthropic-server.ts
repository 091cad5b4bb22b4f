import type { ServerResponse } from "node:http";
import {
  type AnthropicEvent,
  anthropicErrorBody,
  anthropicMessage,
  anthropicStreamEvents,
  toAnthropicWireReply,
} from "./anthropic-wire.js";
import { type Fault, type FaultPlan, faultPicker } from "./faults.js";
import { sendJson, writeAndWait } from "./http.js";
import type { FakeReply } from "./openai-wire.js";
import { type FakeHttpRequest, ReplyQueue, startRecordingServer } from "./recording-server.js";

export interface FakeAnthropicServerOptions {
  /** Replies in order, or a function of each request. Faulted requests do not use one up. */
  replies?: FakeReply[] | ((request: FakeHttpRequest) => FakeReply | Promise<FakeReply>);
  /**
   * Faults for `POST /v1/messages`. `server-error` with status 529 is Anthropic's "overloaded".
   * `malformed-tool-call` is not injected: the API always sends tool input as a JSON object.
   */
  faults?: FaultPlan<FakeHttpRequest>;
  /**
   * Per request, in order: send an `error` event (`overloaded_error` by default) after this many
   * events of the stream, as the API does when it fails mid-stream.
   */
  streamErrors?: ReadonlyArray<{ afterEvents: number; type?: string } | null | undefined>;
  /** The key `x-api-key` or `Authorization: Bearer` must carry. Default `"sk-ant-test"`. */
  apiKey?: string;
  /** Characters per streamed piece. Default 8. */
  chunkSize?: number;
}

export interface FakeAnthropicServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`: what `@anthropic-ai/sdk` takes as `baseURL`. */
  readonly url: string;
  readonly requests: FakeHttpRequest[];
  /** The `POST /v1/messages` requests, in order. */
  readonly messageRequests: FakeHttpRequest[];
  pushReplies(...replies: FakeReply[]): void;
  close(): Promise<void>;
}

/**
 * Starts a local stand-in for Anthropic's Messages API: `POST /v1/messages` checked the way the
 * API checks it (the key, `anthropic-version`, a `max_tokens`, no `system` role among the
 * messages), answered with a `message` object or with the API's SSE events, errors in its
 * `{ type: "error", error: { type, message } }` shape. Listens on 127.0.0.1.
 *
 * @example
 * await using anthropic = await startFakeAnthropicServer({ replies: ["Hello!"] });
 * const model = new AnthropicModel({ modelId: "claude-sonnet-4-6", apiKey: "sk-ant-test", baseUrl: anthropic.url });
 */
export async function startFakeAnthropicServer(
  options: FakeAnthropicServerOptions = {},
): Promise<FakeAnthropicServer> {
  const replies = new ReplyQueue(options.replies);
  const pickFault = faultPicker(options.faults);
  const apiKey = options.apiKey ?? "sk-ant-test";
  const chunkSize = Math.max(1, options.chunkSize ?? 8);
  let requestCount = 0;
  let messageCount = 0;

  async function route(request: FakeHttpRequest, response: ServerResponse): Promise<boolean> {
    if (request.method !== "POST" || request.path !== "/v1/messages") return false;
    // The API takes the key as `x-api-key`, or as a bearer token (what the SDK sends since 1.0).
    if (request.headers["x-api-key"] !== apiKey && request.headers.authorization !== `Bearer ${apiKey}`) {
      sendJson(response, 401, anthropicErrorBody("authentication_error", "invalid x-api-key"));
      return true;
    }
    const invalid = invalidRequest(request.headers["anthropic-version"], request.body ?? {});
    if (invalid) {
      sendJson(response, 400, anthropicErrorBody("invalid_request_error", invalid));
      return true;
    }
    const index = requestCount++;
    const fault = pickFault(request, index);
    if (fault) request.fault = fault;
    await answer(request, response, fault, options.streamErrors?.[index] ?? undefined);
    return true;
  }

  async function answer(
    request: FakeHttpRequest,
    response: ServerResponse,
    fault: Fault | undefined,
    streamError: { afterEvents: number; type?: string } | undefined,
  ): Promise<void> {
    const body = request.body ?? {};
    if (fault?.kind === "rate-limit") {
      sendJson(
        response,
        429,
        anthropicErrorBody(
          "rate_limit_error",
          "Number of request tokens has exceeded your per-minute rate limit.",
        ),
        {
          "retry-after": String(fault.retryAfterSeconds ?? 0),
          "anthropic-ratelimit-requests-remaining": "0",
        },
      );
      return;
    }
    if (fault?.kind === "server-error") {
      const status = fault.status ?? 500;
      sendJson(
        response,
        status,
        status === 529
          ? anthropicErrorBody("overloaded_error", "Overloaded")
          : anthropicErrorBody("api_error", "Internal server error"),
      );
      return;
    }
    if (fault?.kind === "drop-connection") {
      response.socket?.destroy();
      return;
    }
    // A reply cut short is retried by a good client: it must find the same reply again.
    const scripted = await replies.next(request, fault?.kind !== "truncate-stream" && !streamError);
    if (scripted === undefined) {
      sendJson(
        response,
        400,
        anthropicErrorBody(
          "invalid_request_error",
          "fake Anthropic server: no scripted reply left (give more `replies`, or a function).",
        ),
      );
      return;
    }
    const number = ++messageCount;
    const id = `msg_fake_${number}`;
    const reply = toAnthropicWireReply(scripted, body, `toolu_fake_${number}`);
    const model = String(body.model);
    if (body.stream !== true) {
      const message = anthropicMessage(reply, id, model);
      if (fault?.kind === "truncate-stream") {
        const text = JSON.stringify(message);
        response.writeHead(200, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(text),
        });
        await writeAndWait(response, text.slice(0, Math.floor(text.length / 2)));
        response.socket?.destroy();
        return;
      }
      sendJson(response, 200, message, { "request-id": `req_fake_${number}` });
      return;
    }
    let events: AnthropicEvent[] = anthropicStreamEvents(reply, id, model, chunkSize);
    if (streamError) {
      events = [
        ...events.slice(0, streamError.afterEvents),
        { event: "error", data: anthropicErrorBody(streamError.type ?? "overloaded_error", "Overloaded") },
      ];
    }
    response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "request-id": `req_fake_${number}`,
    });
    response.flushHeaders();
    const limit = fault?.kind === "truncate-stream" ? (fault.afterChunks ?? 2) : events.length;
    for (const event of events.slice(0, limit)) {
      await writeAndWait(response, `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`);
    }
    if (fault?.kind === "truncate-stream" && !fault.endCleanly) {
      response.socket?.destroy();
      return;
    }
    response.end();
  }

  const server = await startRecordingServer({
    name: "fake Anthropic server",
    route,
    errorBody: (message) => anthropicErrorBody("invalid_request_error", message),
  });
  return {
    url: server.url,
    requests: server.requests,
    get messageRequests() {
      return server.requests.filter((request) => request.path === "/v1/messages");
    },
    pushReplies: (...more) => replies.push(...more),
    close: server.close,
    [Symbol.asyncDispose]: server.close,
  };
}

/** The checks the real API makes that a client is likely to get wrong. */
function invalidRequest(
  version: string | string[] | undefined,
  body: Record<string, any>,
): string | undefined {
  if (!version) return "anthropic-version: header is required";
  if (typeof body.model !== "string") return "model: Field required";
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) return "max_tokens: Field required";
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return "messages: at least one message is required";
  const roles = body.messages.map((message: { role?: unknown }) => message.role);
  const unexpected = roles.find((role: unknown) => role !== "user" && role !== "assistant");
  if (unexpected !== undefined) {
    return `messages: Unexpected role "${String(unexpected)}". The Messages API accepts a top-level \`system\` parameter, not "system" as an input message role.`;
  }
  return undefined;
}
