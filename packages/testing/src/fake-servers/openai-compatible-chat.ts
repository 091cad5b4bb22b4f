import type { ServerResponse } from "node:http";
import type { Fault } from "./faults.js";
import { sendJson, writeAndWait } from "./http.js";
import {
  breakJson,
  chatCompletion,
  chatCompletionChunks,
  type FakeReply,
  toWireReply,
  type WireContext,
  type WireReply,
} from "./openai-wire.js";
import type { FakeHttpRequest, ReplyQueue } from "./recording-server.js";

/** How one OpenAI-compatible provider differs from OpenAI on the wire. */
export interface OpenAICompatibleDialect {
  /** Names the fake in its own error messages. */
  name: string;
  /** The provider's error body. */
  errorBody(message: string, kind: "rate_limit" | "server_error" | "invalid_request"): unknown;
  /** Headers of a 429 besides `retry-after`. */
  rateLimitHeaders?(fault: Extract<Fault, { kind: "rate-limit" }>): Record<string, string>;
  /** Chunks a provider streams before the first choice (Azure's prompt filter results). */
  leadingChunks?(context: WireContext): Record<string, unknown>[];
  /** Extra fields of the non-streamed completion. */
  completionExtras?(): Record<string, unknown>;
}

/**
 * Answers one chat completion request the way an OpenAI-compatible provider does: the fault if
 * there is one, else the next scripted reply as JSON or as SSE chunks ending with `[DONE]`.
 */
export async function respondToChatCompletion(options: {
  request: FakeHttpRequest;
  response: ServerResponse;
  fault: Fault | undefined;
  replies: ReplyQueue<FakeReply>;
  dialect: OpenAICompatibleDialect;
  completionNumber: () => number;
  chunkSize: number;
}): Promise<void> {
  const { request, response, fault, dialect } = options;
  const body = request.body ?? {};
  if (fault?.kind === "rate-limit") {
    const headers = {
      "retry-after": String(fault.retryAfterSeconds ?? 0),
      ...dialect.rateLimitHeaders?.(fault),
    };
    sendJson(response, 429, dialect.errorBody("Rate limit reached, retry later.", "rate_limit"), headers);
    return;
  }
  if (fault?.kind === "server-error") {
    sendJson(response, fault.status ?? 500, dialect.errorBody("The server had an error.", "server_error"));
    return;
  }
  if (fault?.kind === "drop-connection") {
    response.socket?.destroy();
    return;
  }
  const scripted = await options.replies.next(request, fault?.kind !== "truncate-stream");
  if (scripted === undefined) {
    sendJson(
      response,
      400,
      dialect.errorBody(
        `${dialect.name}: no scripted reply left (give more \`replies\`, or a function).`,
        "invalid_request",
      ),
    );
    return;
  }
  const number = options.completionNumber();
  const context: WireContext = {
    id: `chatcmpl-fake-${number}`,
    model: String(body.model ?? "fake-model"),
    created: Math.floor(Date.now() / 1000),
  };
  let reply = toWireReply(scripted, body, `call_${number}`);
  if (fault?.kind === "malformed-tool-call") reply = withMalformedToolCall(reply, fault.toolName);

  if (body.stream === true) {
    await streamChunks(response, reply, context, body, fault, options);
    return;
  }
  const completion = { ...chatCompletion(reply, context), ...dialect.completionExtras?.() };
  const text = JSON.stringify(completion);
  if (fault?.kind === "truncate-stream") {
    response.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
    });
    await writeAndWait(response, text.slice(0, Math.floor(text.length / 2)));
    response.socket?.destroy();
    return;
  }
  sendJson(response, 200, completion);
}

async function streamChunks(
  response: ServerResponse,
  reply: WireReply,
  context: WireContext,
  body: Record<string, any>,
  fault: Fault | undefined,
  options: { dialect: OpenAICompatibleDialect; chunkSize: number },
): Promise<void> {
  const chunks = [
    ...(options.dialect.leadingChunks?.(context) ?? []),
    ...chatCompletionChunks(reply, context, {
      includeUsage: body.stream_options?.include_usage === true,
      chunkSize: options.chunkSize,
    }),
  ];
  response.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
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
