import type { ServerResponse } from "node:http";
import { type Fault, type FaultPlan, faultPicker } from "./faults.js";
import { sendJson, writeAndWait } from "./http.js";
import { breakJson, type FakeReply, toWireReply, type WireReply } from "./openai-wire.js";
import { type FakeHttpRequest, ReplyQueue, startRecordingServer } from "./recording-server.js";

export interface FakeOllamaServerOptions {
  /** Replies in order, or a function of each chat request. Faulted requests do not use one up. */
  replies?: FakeReply[] | ((request: FakeHttpRequest) => FakeReply | Promise<FakeReply>);
  /**
   * Faults for chat requests. `malformed-tool-call` makes the model write a broken call as text:
   * Ollama then returns it as content, with no `tool_calls`.
   */
  faults?: FaultPlan<FakeHttpRequest>;
  /** Pulled models, listed by `/api/tags`; a chat with another gets Ollama's 404. Default `["llama3.2:latest"]`. */
  models?: string[];
  /** Characters per streamed piece. Default 8. */
  chunkSize?: number;
}

export interface FakeOllamaServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`: what the `ollama` client takes as `host`. */
  readonly url: string;
  readonly requests: FakeHttpRequest[];
  /** The `POST /api/chat` requests, in order. */
  readonly chatRequests: FakeHttpRequest[];
  pushReplies(...replies: FakeReply[]): void;
  close(): Promise<void>;
}

/**
 * Starts a local stand-in for an Ollama server: `POST /api/chat` answering one JSON object, or
 * NDJSON lines (text pieces, tool calls whole with object arguments, then a `done` line with
 * `done_reason`, `prompt_eval_count` and `eval_count`) when `stream` is not false; `GET /api/tags`
 * listing the pulled models. Listens on 127.0.0.1.
 *
 * @example
 * await using ollama = await startFakeOllamaServer({ replies: ["Hello!"] });
 * const model = new OllamaModel({ modelId: "llama3.2", host: ollama.url });
 */
export async function startFakeOllamaServer(
  options: FakeOllamaServerOptions = {},
): Promise<FakeOllamaServer> {
  const replies = new ReplyQueue(options.replies);
  const pickFault = faultPicker(options.faults);
  const models = options.models ?? ["llama3.2:latest"];
  const chunkSize = Math.max(1, options.chunkSize ?? 8);
  let chatCount = 0;

  async function route(request: FakeHttpRequest, response: ServerResponse): Promise<boolean> {
    if (request.method === "GET" && request.path === "/api/tags") {
      sendJson(response, 200, { models: models.map(tagEntry) });
      return true;
    }
    if (request.method !== "POST" || request.path !== "/api/chat") return false;
    const body = request.body ?? {};
    const modelName = String(body.model ?? "");
    if (!models.includes(modelName) && !models.includes(`${modelName}:latest`)) {
      sendJson(response, 404, { error: `model "${modelName}" not found, try pulling it first` });
      return true;
    }
    const fault = pickFault(request, chatCount++);
    if (fault) request.fault = fault;
    await answerChat(request, response, fault);
    return true;
  }

  async function answerChat(request: FakeHttpRequest, response: ServerResponse, fault: Fault | undefined) {
    const body = request.body ?? {};
    if (fault?.kind === "rate-limit") {
      sendJson(
        response,
        429,
        { error: "too many requests" },
        { "retry-after": String(fault.retryAfterSeconds ?? 0) },
      );
      return;
    }
    if (fault?.kind === "server-error") {
      sendJson(response, fault.status ?? 500, {
        error: "llama runner process has terminated: signal: killed",
      });
      return;
    }
    if (fault?.kind === "drop-connection") {
      response.socket?.destroy();
      return;
    }
    const scripted = await replies.next(request, fault?.kind !== "truncate-stream");
    if (scripted === undefined) {
      sendJson(response, 400, {
        error: "fake Ollama server: no scripted reply left (give more `replies`, or a function).",
      });
      return;
    }
    let reply = toWireReply(scripted, { messages: body.messages, stop: body.options?.stop }, "");
    if (fault?.kind === "malformed-tool-call") reply = asMalformedText(reply, fault.toolName);
    const lines = chatLines(reply, String(body.model), body.stream !== false, chunkSize);

    if (body.stream === false) {
      const text = JSON.stringify(lines[0]);
      if (fault?.kind === "truncate-stream") {
        response.writeHead(200, { "content-type": "application/json; charset=utf-8" });
        await writeAndWait(response, text.slice(0, Math.floor(text.length / 2)));
        response.socket?.destroy();
        return;
      }
      sendJson(response, 200, lines[0]);
      return;
    }
    response.writeHead(200, { "content-type": "application/x-ndjson" });
    response.flushHeaders();
    const limit = fault?.kind === "truncate-stream" ? (fault.afterChunks ?? 2) : lines.length;
    for (const line of lines.slice(0, limit)) await writeAndWait(response, `${JSON.stringify(line)}\n`);
    if (fault?.kind === "truncate-stream" && !fault.endCleanly) {
      response.socket?.destroy();
      return;
    }
    response.end();
  }

  const server = await startRecordingServer({
    name: "fake Ollama server",
    route,
    errorBody: (message) => ({ error: message }),
  });
  return {
    url: server.url,
    requests: server.requests,
    get chatRequests() {
      return server.requests.filter((request) => request.path === "/api/chat");
    },
    pushReplies: (...more) => replies.push(...more),
    close: server.close,
    [Symbol.asyncDispose]: server.close,
  };
}

/** The reply as Ollama writes it: one object, or the streamed lines ending with the `done` one. */
function chatLines(
  reply: WireReply,
  model: string,
  stream: boolean,
  chunkSize: number,
): Record<string, unknown>[] {
  const createdAt = new Date().toISOString();
  const toolCalls = reply.toolCalls.map((call) => ({
    function: { name: call.name, arguments: JSON.parse(call.arguments || "{}") },
  }));
  const final = {
    done_reason: reply.finishReason === "length" ? "length" : "stop",
    done: true,
    total_duration: 4_935_886_791,
    load_duration: 534_986_708,
    prompt_eval_count: reply.usage.prompt_tokens,
    prompt_eval_duration: 107_345_000,
    eval_count: reply.usage.completion_tokens,
    eval_duration: 4_289_432_000,
  };
  if (!stream) {
    const message: Record<string, unknown> = { role: "assistant", content: reply.content ?? "" };
    if (toolCalls.length > 0) message.tool_calls = toolCalls;
    return [{ model, created_at: createdAt, message, ...final }];
  }
  const lines: Record<string, unknown>[] = [];
  const text = reply.content ?? "";
  for (let start = 0; start < text.length; start += chunkSize) {
    lines.push({
      model,
      created_at: createdAt,
      message: { role: "assistant", content: text.slice(start, start + chunkSize) },
      done: false,
    });
  }
  if (toolCalls.length > 0) {
    lines.push({
      model,
      created_at: createdAt,
      message: { role: "assistant", content: "", tool_calls: toolCalls },
      done: false,
    });
  }
  lines.push({ model, created_at: createdAt, message: { role: "assistant", content: "" }, ...final });
  return lines;
}

/** Ollama parses tool calls from the model's text; when that fails the text comes back as content. */
function asMalformedText(reply: WireReply, toolName = "final_answer"): WireReply {
  const call = reply.toolCalls[0];
  const name = call?.name ?? toolName;
  const argumentsText = breakJson(call?.arguments ?? JSON.stringify({ answer: reply.content ?? "" }));
  return { ...reply, content: `{"name": "${name}", "arguments": ${argumentsText}`, toolCalls: [] };
}

function tagEntry(name: string): Record<string, unknown> {
  return {
    name,
    model: name,
    modified_at: "2024-12-06T00:46:58.265747Z",
    size: 2_019_393_189,
    digest: "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
    details: {
      parent_model: "",
      format: "gguf",
      family: "llama",
      families: ["llama"],
      parameter_size: "3.2B",
      quantization_level: "Q4_K_M",
    },
  };
}
