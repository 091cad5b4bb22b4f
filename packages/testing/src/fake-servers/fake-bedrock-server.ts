/**
 * A local stand-in for Amazon Bedrock's runtime API: Converse (JSON) and ConverseStream (the
 * binary `application/vnd.amazon.eventstream` framing), spoken over HTTP/2 cleartext — what the
 * AWS SDK's default handler uses — and HTTP/1.1 on the same port.
 */
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from "node:http2";
import { createServer as createNetServer, type Socket } from "node:net";
import { Duplex } from "node:stream";
import { EventStreamCodec } from "@smithy/core/event-streams";
import { type Fault, type FaultPlan, type FaultSpec, faultPicker } from "./faults.js";
import { breakJson, type FakeReply, toWireReply } from "./openai-wire.js";
import type { FakeHttpRequest } from "./recording-server.js";
import { ReplyQueue } from "./recording-server.js";

/** An exception sent inside an open ConverseStream, as Bedrock does once the stream has started. */
export interface BedrockStreamExceptionFault {
  kind: "stream-exception";
  /** Default `modelStreamErrorException`. */
  exceptionType?:
    | "internalServerException"
    | "modelStreamErrorException"
    | "serviceUnavailableException"
    | "throttlingException"
    | "validationException";
  /** Events sent before the exception. Default 2 (`messageStart` and the first piece of text). */
  afterEvents?: number;
}

export type FakeBedrockFault = Fault | BedrockStreamExceptionFault;

export interface FakeBedrockRequest extends FakeHttpRequest {
  /** `"1.1"` or `"2.0"`. */
  httpVersion: string;
  operation: "converse" | "converse-stream" | "other";
  /** The model id from the path, decoded. */
  modelId: string;
}

export interface FakeBedrockServerOptions {
  /** Replies in order, or a function of each request. Faulted requests do not use one up. */
  replies?: FakeReply[] | ((request: FakeBedrockRequest) => FakeReply | Promise<FakeReply>);
  /**
   * Faults for Converse and ConverseStream requests (see `FaultPlan`), plus
   * `{ kind: "stream-exception" }` for an exception event inside a started stream.
   */
  faults?:
    | FaultPlan<FakeBedrockRequest>
    | ReadonlyArray<FaultSpec | BedrockStreamExceptionFault | null | undefined>;
  /** When set, a request signed with another access key id gets Bedrock's 403. */
  accessKeyId?: string;
  /** Characters per streamed text piece and tool-input fragment. Default 8. */
  chunkSize?: number;
}

export interface FakeBedrockServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`: the `endpoint` for a `BedrockRuntimeClient`. */
  readonly url: string;
  readonly requests: FakeBedrockRequest[];
  /** The Converse and ConverseStream requests, in order. */
  readonly converseRequests: FakeBedrockRequest[];
  pushReplies(...replies: FakeReply[]): void;
  close(): Promise<void>;
}

type AnyRequest = IncomingMessage | Http2ServerRequest;
type AnyResponse = ServerResponse | Http2ServerResponse;

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString("utf8"),
  (text) => new Uint8Array(Buffer.from(text, "utf8")),
);

/**
 * Starts the fake on 127.0.0.1 (free port). Requests are recorded with their path
 * (`/model/{modelId}/converse` or `/converse-stream`), headers (the SigV4 `authorization` names
 * the region and service) and JSON body. Replies follow the documented shapes: `output.message`
 * content blocks (`text`, `toolUse`), `stopReason`, `usage`, `metrics`; streams send
 * `messageStart`, `contentBlockStart`/`Delta`/`Stop`, `messageStop` and `metadata` frames.
 * Errors carry `x-amzn-ErrorType` and a `{ message }` body, as Bedrock's restJson1 protocol does.
 *
 * @example
 * await using bedrock = await startFakeBedrockServer({ replies: ["Hello!"], faults: ["rate-limit"] });
 * const client = new BedrockRuntimeClient({ endpoint: bedrock.url, region: "us-east-1", credentials });
 */
export async function startFakeBedrockServer(
  options: FakeBedrockServerOptions = {},
): Promise<FakeBedrockServer> {
  const requests: FakeBedrockRequest[] = [];
  const replies = new ReplyQueue(options.replies as FakeReply[] | ((request: FakeHttpRequest) => FakeReply));
  const pickFault = faultPicker(options.faults as FaultPlan<FakeBedrockRequest> | undefined) as (
    request: FakeBedrockRequest,
    index: number,
  ) => FakeBedrockFault | undefined;
  const chunkSize = Math.max(1, options.chunkSize ?? 8);
  let converseCount = 0;
  let replyCount = 0;

  async function handle(request: AnyRequest, response: AnyResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const match = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(url.pathname);
    const recorded: FakeBedrockRequest = {
      method: request.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams.entries()),
      headers: request.headers as IncomingHttpHeaders,
      body: undefined,
      httpVersion: request.httpVersion,
      operation: match ? (match[2] as "converse" | "converse-stream") : "other",
      modelId: match ? decodeURIComponent(match[1]!) : "",
    };
    requests.push(recorded);
    const text = await readText(request);
    if (text !== "") {
      try {
        recorded.body = JSON.parse(text);
      } catch {
        sendError(response, 400, "SerializationException", "The request body is not valid JSON.");
        return;
      }
    }
    if (request.method !== "POST" || !match) {
      sendError(
        response,
        404,
        "UnknownOperationException",
        `No operation at ${request.method} ${url.pathname}.`,
      );
      return;
    }
    const credential = /Credential=([^/]+)\//.exec(String(request.headers.authorization ?? ""))?.[1];
    if (options.accessKeyId !== undefined && credential !== options.accessKeyId) {
      sendError(
        response,
        403,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
      );
      return;
    }
    if (!Array.isArray(recorded.body?.messages) || recorded.body.messages.length === 0) {
      sendError(response, 400, "ValidationException", "A conversation must start with a user message.");
      return;
    }
    const fault = pickFault(recorded, converseCount++);
    if (fault) recorded.fault = fault as Fault;
    await answer(recorded, response, fault);
  }

  async function answer(
    request: FakeBedrockRequest,
    response: AnyResponse,
    fault: FakeBedrockFault | undefined,
  ) {
    if (fault?.kind === "rate-limit") {
      const headers = { "retry-after": String(fault.retryAfterSeconds ?? 0) };
      sendError(
        response,
        429,
        "ThrottlingException",
        "Too many requests, please wait before trying again.",
        headers,
      );
      return;
    }
    if (fault?.kind === "server-error") {
      const status = fault.status ?? 500;
      const type = status === 503 ? "ServiceUnavailableException" : "InternalServerException";
      sendError(response, status, type, "The server encountered an internal error. Retry your request.");
      return;
    }
    if (fault?.kind === "drop-connection") {
      dropConnection(response);
      return;
    }
    const willBeCut = fault?.kind === "truncate-stream" || fault?.kind === "stream-exception";
    const scripted = await replies.next(request, !willBeCut);
    if (scripted === undefined) {
      sendError(
        response,
        400,
        "ValidationException",
        "fake Bedrock server: no scripted reply left (give more `replies`, or a function).",
      );
      return;
    }
    const body = request.body ?? {};
    const reply = toBedrockReply(
      scripted,
      body,
      `tooluse_${++replyCount}`,
      fault?.kind === "malformed-tool-call",
    );
    const headers = { "x-amzn-requestid": `fake-${replyCount}` };
    if (request.operation === "converse") {
      const text = JSON.stringify(converseOutput(reply));
      if (fault?.kind === "truncate-stream") {
        response.writeHead(200, { "content-type": "application/json", ...headers });
        await writeAndWait(response, text.slice(0, Math.floor(text.length / 2)));
        dropConnection(response);
        return;
      }
      response.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
        ...headers,
      });
      response.end(text);
      return;
    }
    const frames = streamFrames(reply, chunkSize);
    response.writeHead(200, { "content-type": "application/vnd.amazon.eventstream", ...headers });
    const limit =
      fault?.kind === "truncate-stream"
        ? (fault.afterChunks ?? 2)
        : fault?.kind === "stream-exception"
          ? (fault.afterEvents ?? 2)
          : frames.length;
    for (const frame of frames.slice(0, limit)) await writeAndWait(response, frame);
    if (fault?.kind === "stream-exception") {
      const type = fault.exceptionType ?? "modelStreamErrorException";
      await writeAndWait(response, exceptionFrame(type, "The model failed while streaming its reply."));
    } else if (fault?.kind === "truncate-stream" && !fault.endCleanly) {
      dropConnection(response);
      return;
    }
    response.end();
  }

  const sockets = new Set<Socket>();
  const onRequest = (request: AnyRequest, response: AnyResponse) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) dropConnection(response);
      else sendError(response, 400, "ValidationException", `fake Bedrock server: ${String(error)}`);
    });
  };
  const http1 = createHttpServer(onRequest);
  const http2 = createHttp2Server(onRequest);
  // One port for both protocols: the first bytes tell an HTTP/2 connection preface from HTTP/1.1.
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.once("data", (first: Buffer) => {
      socket.pause();
      if (first.toString("latin1", 0, 14) === "PRI * HTTP/2.0") {
        http2.emit("connection", replayFirstChunk(socket, first));
        return;
      }
      socket.unshift(first);
      http1.emit("connection", socket);
      socket.resume();
    });
  });
  const url = await new Promise<string>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`);
    });
  });
  const close = async () => {
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    http1.close();
    http2.close();
    await closed;
  };
  return {
    url,
    requests,
    get converseRequests() {
      return requests.filter((request) => request.operation !== "other");
    },
    pushReplies: (...more) => replies.push(...more),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A reply in Bedrock's terms, after the request's stop sequences were applied. */
interface BedrockReply {
  content: ({ text: string } | { toolUse: { toolUseId: string; name: string; input: unknown } })[];
  stopReason: string;
  usage: { inputTokens: number; outputTokens: number; totalTokens: number };
}

function toBedrockReply(
  scripted: FakeReply,
  body: Record<string, any>,
  toolUseIdPrefix: string,
  malformed: boolean,
): BedrockReply {
  const stops: unknown = body.inferenceConfig?.stopSequences;
  const wire = toWireReply(
    scripted,
    { messages: [body.system, body.messages], stop: stops },
    toolUseIdPrefix,
  );
  // A model that hit a stop sequence stopped writing: the tool calls it would have written never come.
  const stopped = hasStopIn(scripted, stops);
  const calls = stopped ? [] : [...wire.toolCalls];
  if (malformed && calls.length === 0) {
    calls.push({
      id: `${toolUseIdPrefix}_0`,
      name: "final_answer",
      arguments: JSON.stringify({ answer: wire.content }),
    });
  }
  const content: BedrockReply["content"] = [];
  if (wire.content) content.push({ text: wire.content });
  for (const call of calls) {
    // A malformed call keeps the model's broken text: Bedrock's `input` is any JSON value, here a string.
    const input = malformed ? breakJson(call.arguments) : parseOrKeep(call.arguments);
    content.push({ toolUse: { toolUseId: call.id, name: call.name, input } });
  }
  const stopReason =
    wire.finishReason === "length"
      ? "max_tokens"
      : wire.finishReason === "content_filter"
        ? "content_filtered"
        : stopped
          ? "stop_sequence"
          : calls.length > 0
            ? "tool_use"
            : "end_turn";
  const {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: totalTokens,
  } = wire.usage;
  return { content, stopReason, usage: { inputTokens, outputTokens, totalTokens } };
}

function hasStopIn(scripted: FakeReply, stops: unknown): boolean {
  const text = typeof scripted === "string" ? scripted : (scripted.content ?? "");
  return (
    Array.isArray(stops) &&
    stops.some((stop) => typeof stop === "string" && stop !== "" && text.includes(stop))
  );
}

function converseOutput(reply: BedrockReply): Record<string, unknown> {
  return {
    output: { message: { role: "assistant", content: reply.content } },
    stopReason: reply.stopReason,
    usage: reply.usage,
    metrics: { latencyMs: 321 },
  };
}

/** The ConverseStream frames, in the order Bedrock sends them. */
function streamFrames(reply: BedrockReply, chunkSize: number): Uint8Array[] {
  const frames = [eventFrame("messageStart", { role: "assistant" })];
  reply.content.forEach((block, contentBlockIndex) => {
    if ("text" in block) {
      for (const piece of pieces(block.text, chunkSize))
        frames.push(eventFrame("contentBlockDelta", { contentBlockIndex, delta: { text: piece } }));
    } else {
      const { toolUseId, name, input } = block.toolUse;
      frames.push(
        eventFrame("contentBlockStart", { contentBlockIndex, start: { toolUse: { toolUseId, name } } }),
      );
      const inputText = typeof input === "string" ? input : JSON.stringify(input);
      for (const piece of pieces(inputText, chunkSize))
        frames.push(
          eventFrame("contentBlockDelta", { contentBlockIndex, delta: { toolUse: { input: piece } } }),
        );
    }
    frames.push(eventFrame("contentBlockStop", { contentBlockIndex }));
  });
  frames.push(eventFrame("messageStop", { stopReason: reply.stopReason }));
  frames.push(eventFrame("metadata", { usage: reply.usage, metrics: { latencyMs: 321 } }));
  return frames;
}

function eventFrame(eventType: string, payload: Record<string, unknown>): Uint8Array {
  // Bedrock pads each event with a `p` field of varying length, so sizes do not reveal tokens.
  const padded = { ...payload, p: "abcdefghijklmnopqrstuvwxyz".slice(0, 4 + (eventType.length % 20)) };
  return codec.encode({
    headers: {
      ":event-type": { type: "string", value: eventType },
      ":content-type": { type: "string", value: "application/json" },
      ":message-type": { type: "string", value: "event" },
    },
    body: new Uint8Array(Buffer.from(JSON.stringify(padded), "utf8")),
  });
}

function exceptionFrame(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ":exception-type": { type: "string", value: exceptionType },
      ":content-type": { type: "string", value: "application/json" },
      ":message-type": { type: "string", value: "exception" },
    },
    body: new Uint8Array(Buffer.from(JSON.stringify({ message }), "utf8")),
  });
}

function pieces(text: string, size: number): string[] {
  const result: string[] = [];
  for (let start = 0; start < text.length; start += size) result.push(text.slice(start, start + size));
  return result;
}

function parseOrKeep(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function sendError(
  response: AnyResponse,
  status: number,
  errorType: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify({ message });
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-amzn-errortype": `${errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    ...headers,
  });
  response.end(text);
}

async function readText(request: AnyRequest): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function writeAndWait(response: AnyResponse, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    (response as ServerResponse).write(data, (error) => (error ? reject(error) : resolve()));
  });
}

/** The connection dies with no response: the HTTP/2 session, or the HTTP/1.1 socket. */
function dropConnection(response: AnyResponse): void {
  if ("stream" in response) response.stream.session?.destroy();
  else response.socket?.destroy();
}

/**
 * The socket as a stream that first yields the bytes already read. Node's HTTP/2 server reads a
 * real socket natively, past anything `unshift` put back; a plain stream it reads in JavaScript.
 */
function replayFirstChunk(socket: Socket, first: Buffer): Duplex {
  const duplex = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk, encoding, callback) {
      socket.write(chunk, encoding, callback);
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(error, callback) {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  duplex.push(first);
  socket.on("data", (data) => {
    if (!duplex.push(data)) socket.pause();
  });
  socket.once("end", () => duplex.push(null));
  socket.once("error", (error) => duplex.destroy(error));
  socket.once("close", () => duplex.destroy());
  return duplex;
}
