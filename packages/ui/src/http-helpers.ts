/**
 * Small pieces of HTTP the server needs, on node:http alone: JSON in and out, errors as JSON,
 * and the checks that keep other web sites (and DNS rebinding) from driving the agent.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { AgentUIRequestError } from "./errors.js";

const maxJsonBytes = 1024 * 1024;

export function sendJson(response: ServerResponse, statusCode: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(statusCode, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  response.end(text);
}

/** Answer with `{ error, code }`; unexpected errors become a 500 that says what happened. */
export function sendError(response: ServerResponse, error: unknown): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (AgentUIRequestError.isInstance(error)) {
    // A refused body may still be arriving: closing tells the client not to keep sending it.
    if (error.statusCode === 413) response.setHeader("connection", "close");
    sendJson(response, error.statusCode, { error: error.message, code: error.code });
    return;
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  sendJson(response, 500, { error: `The server failed: ${message}`, code: "server-error" });
}

/** Require this content type, so that a cross-site form can never send the request unnoticed. */
export function requireContentType(request: IncomingMessage, expected: string): void {
  const contentType = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (contentType !== expected) {
    throw new AgentUIRequestError(
      `Send this request with "Content-Type: ${expected}".`,
      415,
      "bad-content-type",
    );
  }
}

export async function readJson(request: IncomingMessage): Promise<unknown> {
  requireContentType(request, "application/json");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxJsonBytes) throw new AgentUIRequestError("The request is too large.", 413, "too-large");
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AgentUIRequestError("The request body is not valid JSON.", 400, "bad-json");
  }
}

const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** Whether the server listens on loopback only, where the Host header can be checked strictly. */
export function isLoopback(host: string): boolean {
  return loopbackHosts.has(host);
}

/**
 * Refuse requests that a page from another site could make: a Host that is not ours (DNS
 * rebinding) when we listen on loopback, and any Origin or fetch site that is not our own.
 */
export function checkRequestOrigin(request: IncomingMessage, listenHost: string, port: number): void {
  const hostHeader = request.headers.host ?? "";
  if (isLoopback(listenHost)) {
    const allowed = [...loopbackHosts].map((name) => `${name}:${port}`);
    if (!allowed.includes(hostHeader.toLowerCase())) {
      throw new AgentUIRequestError(`Unexpected Host header "${hostHeader}".`, 403, "bad-host");
    }
  }
  if (request.method === "GET" || request.method === "HEAD") return;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${hostHeader}`) {
    throw new AgentUIRequestError("Requests from other sites are refused.", 403, "cross-site");
  }
  if (request.headers["sec-fetch-site"] === "cross-site") {
    throw new AgentUIRequestError("Requests from other sites are refused.", 403, "cross-site");
  }
}
