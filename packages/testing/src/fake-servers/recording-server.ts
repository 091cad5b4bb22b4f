import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { Fault } from "./faults.js";
import { closeServer, listenOnLoopback, readBody, sendJson } from "./http.js";

/** One request a fake provider server received, whatever became of it. */
export interface FakeHttpRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  /** The query string's parameters (the last value when one is repeated). */
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; `undefined` for an empty body. */
  body: Record<string, any> | undefined;
  /** The fault injected into this request, if any. */
  fault?: Fault;
}

/** What a route handler answers with: `true` when it handled the request. */
export type FakeRoute = (request: FakeHttpRequest, response: ServerResponse) => Promise<boolean> | boolean;

export interface RecordingServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: FakeHttpRequest[];
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 (free port) that records every request with its parsed JSON body,
 * then hands it to `route`. A body that is not JSON gets `badJson`'s answer; a route that throws
 * gets a 400 naming the fake, so that a bug in a test shows up as a non-retryable error.
 */
export async function startRecordingServer(options: {
  name: string;
  route: FakeRoute;
  errorBody: (message: string) => unknown;
}): Promise<RecordingServer> {
  const requests: FakeHttpRequest[] = [];

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const text = await readBody(request);
    const recorded: FakeHttpRequest = {
      method: request.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams.entries()),
      headers: request.headers,
      body: undefined,
    };
    requests.push(recorded);
    if (text !== "") {
      try {
        recorded.body = JSON.parse(text);
      } catch {
        sendJson(response, 400, options.errorBody("The request body is not valid JSON."));
        return;
      }
    }
    if (!(await options.route(recorded, response))) {
      sendJson(response, 404, options.errorBody(`No route for ${recorded.method} ${recorded.path}.`));
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      sendJson(response, 400, options.errorBody(`${options.name}: ${message}`));
    });
  });
  const url = await listenOnLoopback(server);
  return { url, requests, close: () => closeServer(server) };
}

/**
 * Scripted replies in order, or from a function. A request that will be cut off (a truncation
 * fault) peeks instead of taking, so that the client's retry finds the same reply.
 */
export class ReplyQueue<Reply> {
  private readonly queue: Reply[];
  private readonly replyFunction: ((request: FakeHttpRequest) => Reply | Promise<Reply>) | undefined;

  constructor(replies: Reply[] | ((request: FakeHttpRequest) => Reply | Promise<Reply>) | undefined) {
    this.queue = Array.isArray(replies) ? [...replies] : [];
    this.replyFunction = typeof replies === "function" ? replies : undefined;
  }

  push(...replies: Reply[]): void {
    this.queue.push(...replies);
  }

  async next(request: FakeHttpRequest, consume: boolean): Promise<Reply | undefined> {
    if (this.replyFunction) return this.replyFunction(request);
    return consume ? this.queue.shift() : this.queue[0];
  }
}
