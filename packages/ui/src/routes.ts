/**
 * The server's routes. The page is one GET; everything else is a POST under a session:
 *
 *   POST /api/sessions                      → { sessionId, … }
 *   POST /api/sessions/:id/runs             { task, files? } → text/event-stream of ViewEvents
 *   POST /api/sessions/:id/history          → { entries: HistoryEntry[] }, for a reloaded page
 *   POST /api/sessions/:id/stop             → stop at once (the model or tool call in flight aborts)
 *   POST /api/sessions/:id/reset            → new conversation (memory cleared, fresh sandbox)
 *   POST /api/sessions/:id/uploads?name=…   raw bytes (application/octet-stream) → { file }
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AgentUIRequestError } from "./errors.js";
import { checkRequestOrigin, readJson, requireContentType, sendError, sendJson } from "./http-helpers.js";
import { type PageInfo, renderPage } from "./page/page-html.js";
import type { Session, SessionStore } from "./sessions.js";
import { checkUploadName, saveUpload, type UploadedFile, uploadTooLarge } from "./uploads.js";
import type { ViewEvent } from "./view-events.js";

const maxTaskLength = 100_000;

export interface RouteContext {
  sessions: SessionStore;
  page: PageInfo;
  listenHost: string;
  /** The port actually bound, known once the server listens. */
  port: () => number;
  /** Absolute, real path of the upload folder; undefined when uploads are off. */
  uploadFolder?: string;
  maxUploadBytes: number;
}

/** The node:http request listener of an AgentUI server. */
export function createRequestListener(context: RouteContext) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    route(context, request, response).catch((error: unknown) => {
      sendError(response, error);
      // Whatever is left of a refused body is not worth reading.
      if (!request.complete) request.resume();
    });
  };
}

async function route(
  context: RouteContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  checkRequestOrigin(request, context.listenHost, context.port());
  const url = new URL(request.url ?? "/", "http://localhost");
  const method = request.method ?? "GET";

  if (url.pathname === "/" || url.pathname === "/index.html") {
    requireMethod(method, "GET");
    return servePage(context, response);
  }
  if (url.pathname === "/api/sessions") {
    requireMethod(method, "POST");
    await readJson(request);
    const session = await context.sessions.create();
    return sendJson(response, 201, { sessionId: session.id });
  }
  const match = /^\/api\/sessions\/([\w-]{1,64})\/(runs|history|stop|reset|uploads)$/.exec(url.pathname);
  if (!match) throw new AgentUIRequestError("Not found.", 404, "not-found");
  requireMethod(method, "POST");
  const session = context.sessions.get(match[1]!);
  switch (match[2]) {
    case "runs":
      return startRun(session, request, response);
    case "history":
      await readJson(request);
      return sendJson(response, 200, { entries: session.history, running: session.isRunning });
    case "stop":
      await readJson(request);
      session.stop();
      return sendJson(response, 202, { stopping: true });
    case "reset":
      await readJson(request);
      await session.reset();
      return sendJson(response, 200, { reset: true });
    default:
      return receiveUpload(context, session, url, request, response);
  }
}

function requireMethod(method: string, expected: string): void {
  if (method !== expected) throw new AgentUIRequestError(`Use ${expected} here.`, 405, "method-not-allowed");
}

function servePage(context: RouteContext, response: ServerResponse): void {
  const nonce = randomBytes(16).toString("base64");
  const html = renderPage(context.page, nonce);
  response.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(html),
    "cache-control": "no-store",
    // Only our inline script and style run; media comes inline; nothing is fetched elsewhere.
    "content-security-policy": [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "img-src data:",
      "media-src data:",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join("; "),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  });
  response.end(html);
}

function parseRunRequest(body: unknown, session: Session): { task: string; files: UploadedFile[] } {
  const { task, files = [] } = (body ?? {}) as { task?: unknown; files?: unknown };
  if (typeof task !== "string" || task.trim() === "") {
    throw new AgentUIRequestError("Write a task for the agent first.", 400, "empty-task");
  }
  if (task.length > maxTaskLength) {
    throw new AgentUIRequestError(
      `The task is longer than ${maxTaskLength} characters.`,
      400,
      "task-too-long",
    );
  }
  if (!Array.isArray(files) || !files.every((name) => typeof name === "string")) {
    throw new AgentUIRequestError('"files" must be a list of uploaded file names.', 400, "bad-files");
  }
  const uploaded = files.map((name: string) => {
    const file = session.uploads.get(name);
    if (!file)
      throw new AgentUIRequestError(`No file "${name}" was uploaded in this conversation.`, 400, "bad-files");
    return file;
  });
  return { task, files: uploaded };
}

async function startRun(session: Session, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { task, files } = parseRunRequest(await readJson(request), session);
  const clientGone = new AbortController();
  response.on("close", () => {
    if (!response.writableFinished) clientGone.abort();
  });
  const output = {
    accepted() {
      response.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        "x-accel-buffering": "no",
      });
      // A comment line, so that the page (and any proxy) sees the stream open at once.
      response.write(": run started\n\n");
    },
    send(event: ViewEvent) {
      if (!response.destroyed) response.write(`data: ${JSON.stringify(event)}\n\n`);
    },
  };
  // A refusal (busy) throws before `accepted`, so it still reaches the page as a JSON error.
  await session.run(task, files, output, clientGone.signal);
  response.end();
}

async function receiveUpload(
  context: RouteContext,
  session: Session,
  url: URL,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (!context.uploadFolder) {
    throw new AgentUIRequestError(
      "File upload is off: start AgentUI with a fileUploadFolder to allow it.",
      404,
      "uploads-off",
    );
  }
  requireContentType(request, "application/octet-stream");
  const name = checkUploadName(url.searchParams.get("name") ?? "");
  const declaredLength = Number(request.headers["content-length"] ?? Number.NaN);
  if (declaredLength > context.maxUploadBytes) throw uploadTooLarge(context.maxUploadBytes);
  const file = await saveUpload(request, context.uploadFolder, name, context.maxUploadBytes);
  session.uploads.set(file.storedName, file);
  sendJson(response, 201, {
    file: { storedName: file.storedName, originalName: file.originalName, size: file.size },
  });
}
