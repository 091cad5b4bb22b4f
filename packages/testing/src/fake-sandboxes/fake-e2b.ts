import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeServer, listenOnLoopback, sendJson } from "../fake-servers/http.js";
import { LocalProcess } from "./local-process.js";

/** One request the fake received, raw. */
export interface FakeSandboxRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the fake control plane answers `POST /v2/sandboxes` instead of creating a sandbox. */
export interface FakeE2BCreateFailure {
  status: number;
  message: string;
}

export interface FakeE2BOptions {
  /** The only API key the control plane accepts; default `e2b_test_key`. */
  apiKey?: string;
  /** Makes every sandbox creation fail with this status (e.g. 429 for a quota). */
  createFailure?: FakeE2BCreateFailure;
  /** The envd version the fake reports; default `0.5.7`. */
  envdVersion?: string;
}

/** One sandbox of the fake, with the processes started in it. */
export interface FakeE2BSandbox {
  sandboxId: string;
  templateId: string;
  /** The create request's body. */
  createBody: Record<string, unknown>;
  killed: boolean;
  processes: Map<number, LocalProcess>;
  /** The sandbox's home directory on the host (its processes' `HOME` and working directory). */
  home: string;
}

export interface FakeE2B {
  /** Pass as `apiUrl` (or `E2B_API_URL`). */
  readonly apiUrl: string;
  /** Pass as `sandboxUrl` (or `E2B_SANDBOX_URL`): the envd daemon of every sandbox. */
  readonly sandboxUrl: string;
  /** Requests to the control plane (`/sandboxes…`). */
  readonly controlRequests: FakeSandboxRequest[];
  /** Requests to the sandbox daemon: everything that entered a sandbox. */
  readonly sandboxRequests: FakeSandboxRequest[];
  readonly sandboxes: Map<string, FakeE2BSandbox>;
  /** Everything that went into sandboxes as text: daemon requests and the processes' stdin. */
  sandboxTraffic(): string;
  close(): Promise<void>;
}

const CONNECT_JSON = "application/connect+json";
/** Connect's envelope flag of the last frame of a stream (its trailers and error). */
const END_STREAM_FLAG = 0x02;

/**
 * A fake of E2B's control plane (REST/JSON) and of the sandbox daemon envd (Connect RPC over
 * HTTP/1.1, JSON codec), on one 127.0.0.1 server, enough for the real `e2b` SDK to create a
 * sandbox, start a background process with stdin, stream its output, write its stdin, signal
 * it and kill the sandbox. Processes run as local children of the test (through `/bin/bash`,
 * as the SDK asks), so code sent to the sandbox really runs.
 *
 * @example
 * const e2b = await startFakeE2B();
 * const sandbox = await Sandbox.create({ apiKey: "e2b_test_key", apiUrl: e2b.apiUrl, sandboxUrl: e2b.sandboxUrl });
 */
export async function startFakeE2B(options: FakeE2BOptions = {}): Promise<FakeE2B> {
  const apiKey = options.apiKey ?? "e2b_test_key";
  const envdVersion = options.envdVersion ?? "0.5.7";
  const controlRequests: FakeSandboxRequest[] = [];
  const sandboxRequests: FakeSandboxRequest[] = [];
  const sandboxes = new Map<string, FakeE2BSandbox>();
  const openStreams = new Set<ServerResponse>();

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { code: 500, message: String(error) });
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readRawBody(request);
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const recorded = {
      method: request.method ?? "GET",
      path,
      headers: request.headers,
      body: body.toString("utf8"),
    };
    if (path.startsWith("/process.Process/") || path.startsWith("/filesystem.") || path === "/health") {
      sandboxRequests.push(recorded);
      await handleEnvd(request, response, path, body);
      return;
    }
    controlRequests.push(recorded);
    handleControlPlane(request, response, path, recorded.body);
  }

  function handleControlPlane(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    body: string,
  ) {
    if (request.headers["x-api-key"] !== apiKey) {
      sendJson(response, 401, {
        code: 401,
        message: "Invalid API key, please visit https://e2b.dev/docs/api-key",
      });
      return;
    }
    if (request.method === "POST" && path === "/v2/sandboxes") {
      if (options.createFailure) {
        const { status, message } = options.createFailure;
        sendJson(response, status, { code: status, message });
        return;
      }
      const createBody = JSON.parse(body || "{}") as Record<string, unknown>;
      const sandboxId = `fake${randomUUID().replaceAll("-", "").slice(0, 16)}`;
      const templateId = String(createBody.templateID ?? "base");
      const home = mkdtempSync(join(tmpdir(), "smol-fake-e2b-"));
      sandboxes.set(sandboxId, {
        sandboxId,
        templateId,
        createBody,
        killed: false,
        processes: new Map(),
        home,
      });
      sendJson(response, 201, {
        sandboxID: sandboxId,
        templateID: templateId,
        clientID: "fake",
        envdVersion,
        envdAccessToken: `envd-token-${sandboxId}`,
      });
      return;
    }
    const match = /^\/sandboxes\/([^/]+)$/.exec(path);
    if (request.method === "DELETE" && match) {
      const sandbox = sandboxes.get(match[1] ?? "");
      if (!sandbox || sandbox.killed) {
        sendJson(response, 404, { code: 404, message: "sandbox not found" });
        return;
      }
      killSandbox(sandbox);
      response.writeHead(204).end();
      return;
    }
    sendJson(response, 404, { code: 404, message: `the fake E2B API has no ${request.method} ${path}` });
  }

  function killSandbox(sandbox: FakeE2BSandbox): void {
    sandbox.killed = true;
    for (const child of sandbox.processes.values()) child.kill();
    void Promise.all([...sandbox.processes.values()].map((child) => child.exited)).then(() =>
      rmSync(sandbox.home, { recursive: true, force: true }),
    );
  }

  /** The sandbox a daemon request is for, by the header the SDK sends; null when gone. */
  function targetSandbox(request: IncomingMessage): FakeE2BSandbox | undefined {
    const sandbox = sandboxes.get(String(request.headers["e2b-sandbox-id"] ?? ""));
    if (!sandbox || sandbox.killed) return undefined;
    if (request.headers["x-access-token"] !== `envd-token-${sandbox.sandboxId}`) return undefined;
    return sandbox;
  }

  async function handleEnvd(request: IncomingMessage, response: ServerResponse, path: string, body: Buffer) {
    if (path === "/health") {
      response.writeHead(targetSandbox(request) ? 204 : 502).end();
      return;
    }
    const sandbox = targetSandbox(request);
    if (!sandbox) {
      connectUnaryError(response, 404, "not_found", "sandbox not found or access token wrong");
      return;
    }
    const method = path.slice("/process.Process/".length);
    if (method === "Start") {
      startProcess(sandbox, readEnvelope(body), response);
      return;
    }
    const message = JSON.parse(body.toString("utf8") || "{}") as {
      process?: { pid?: number };
      input?: { stdin?: string };
      signal?: string;
    };
    const child = sandbox.processes.get(Number(message.process?.pid));
    if (!child?.running) {
      connectUnaryError(response, 404, "not_found", `process with pid ${message.process?.pid} not found`);
      return;
    }
    if (method === "SendInput") child.writeStdin(Buffer.from(message.input?.stdin ?? "", "base64"));
    else if (method === "CloseStdin") child.closeStdin();
    else if (method === "SendSignal") child.kill();
    else {
      connectUnaryError(response, 501, "unimplemented", `the fake envd has no ${method}`);
      return;
    }
    sendJson(response, 200, {});
  }

  function startProcess(
    sandbox: FakeE2BSandbox,
    request: Record<string, any>,
    response: ServerResponse,
  ): void {
    const config = request.process as {
      cmd: string;
      args?: string[];
      envs?: Record<string, string>;
      cwd?: string;
    };
    response.writeHead(200, { "content-type": CONNECT_JSON });
    openStreams.add(response);
    const send = (message: unknown, flags = 0) => {
      if (!response.writableEnded) response.write(envelope(message, flags));
    };
    const child = new LocalProcess(
      config.cmd,
      config.args ?? [],
      // A home of its own, so that the login shell the SDK asks for reads no profile of the host.
      { env: { HOME: sandbox.home, ...config.envs }, cwd: config.cwd ?? sandbox.home },
      {
        onStdout: (chunk) => send({ event: { data: { stdout: chunk.toString("base64") } } }),
        onStderr: (chunk) => send({ event: { data: { stderr: chunk.toString("base64") } } }),
        onExit: (exitCode, signal) => {
          send({
            event: {
              end: {
                exitCode,
                exited: signal === null,
                status: signal ? `signal: ${signal}` : `exit status ${exitCode}`,
              },
            },
          });
          send({}, END_STREAM_FLAG);
          response.end();
          openStreams.delete(response);
        },
      },
    );
    sandbox.processes.set(child.pid, child);
    send({ event: { start: { pid: child.pid } } });
    // Without stdin the process reads end of input at once, as in E2B.
    if (!request.stdin) child.closeStdin();
    response.once("close", () => openStreams.delete(response));
  }

  const url = await listenOnLoopback(server);
  return {
    apiUrl: url,
    sandboxUrl: url,
    controlRequests,
    sandboxRequests,
    sandboxes,
    sandboxTraffic: () => {
      const parts: string[] = [];
      for (const request of sandboxRequests) parts.push(JSON.stringify(request.headers), request.body);
      for (const sandbox of sandboxes.values())
        for (const child of sandbox.processes.values())
          parts.push(Buffer.concat(child.stdin).toString("utf8"));
      return parts.join("\n");
    },
    close: async () => {
      for (const sandbox of sandboxes.values()) killSandbox(sandbox);
      for (const response of openStreams) response.destroy();
      await closeServer(server);
    },
  };
}

async function readRawBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Connect's enveloped message: one flags byte, a big-endian length, the JSON. */
function envelope(message: unknown, flags: number): Buffer {
  const json = Buffer.from(JSON.stringify(message), "utf8");
  const header = Buffer.alloc(5);
  header.writeUInt8(flags, 0);
  header.writeUInt32BE(json.length, 1);
  return Buffer.concat([header, json]);
}

function readEnvelope(body: Buffer): Record<string, any> {
  if (body.length < 5) return {};
  const length = body.readUInt32BE(1);
  return JSON.parse(body.subarray(5, 5 + length).toString("utf8")) as Record<string, any>;
}

function connectUnaryError(response: ServerResponse, status: number, code: string, message: string): void {
  sendJson(response, status, { code, message });
}
