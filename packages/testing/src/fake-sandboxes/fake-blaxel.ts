import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeServer, listenOnLoopback, sendJson } from "../fake-servers/http.js";
import type { FakeSandboxRequest } from "./fake-e2b.js";
import { LocalProcess } from "./local-process.js";

export interface FakeBlaxelOptions {
  /** The only API key the fake accepts; default `bl_test_key`. */
  apiKey?: string;
  /** The only workspace the fake accepts; default `test-workspace`. */
  workspace?: string;
  /** Makes every sandbox creation fail with this status and message (e.g. 429 for a quota). */
  createFailure?: { status: number; message: string };
}

/** One process of a fake sandbox, with its output as log lines (`stdout:…` / `stderr:…`). */
export interface FakeBlaxelProcess {
  name: string;
  request: Record<string, unknown>;
  child: LocalProcess;
  logLines: string[];
  exitCode: number | undefined;
}

export interface FakeBlaxelSandbox {
  name: string;
  /** The create request's body. */
  createBody: Record<string, any>;
  deleted: boolean;
  processes: Map<string, FakeBlaxelProcess>;
  home: string;
}

export interface FakeBlaxel {
  /** Set as `BL_API_URL`. */
  readonly apiUrl: string;
  /** Requests to the control plane (`/sandboxes…`). */
  readonly controlRequests: FakeSandboxRequest[];
  /** Requests to the sandboxes' own API (processes, stdin, logs). */
  readonly sandboxRequests: FakeSandboxRequest[];
  readonly sandboxes: Map<string, FakeBlaxelSandbox>;
  /**
   * What reached the code inside the sandboxes: the bodies of the sandbox API requests
   * (commands, process environments) and the processes' stdin. Headers are left out: in
   * Blaxel they end at the edge that authenticates the call, the guest never sees them.
   */
  guestTraffic(): string;
  close(): Promise<void>;
}

/**
 * A fake of Blaxel's control plane and sandbox API (REST/JSON over HTTP/1.1) on one 127.0.0.1
 * server, enough for the real `@blaxel/core` SDK to create a sandbox (whose `metadata.url`
 * points back at this server), start a process with stdin, stream its logs, write its stdin,
 * kill it and delete the sandbox. Processes run as local children (`/bin/sh -c`), so code sent
 * to the sandbox really runs. Leave `BL_REGION` unset (or set `BL_DISABLE_H2=true`): the SDK
 * then talks plain HTTP/1.1 to the sandbox URL.
 *
 * @example
 * const blaxel = await startFakeBlaxel();
 * process.env.BL_API_URL = blaxel.apiUrl;
 */
export async function startFakeBlaxel(options: FakeBlaxelOptions = {}): Promise<FakeBlaxel> {
  const apiKey = options.apiKey ?? "bl_test_key";
  const workspace = options.workspace ?? "test-workspace";
  const controlRequests: FakeSandboxRequest[] = [];
  const sandboxRequests: FakeSandboxRequest[] = [];
  const sandboxes = new Map<string, FakeBlaxelSandbox>();
  const logStreams = new Set<ServerResponse>();
  let url = "";

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: String(error) });
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const recorded = {
      method: request.method ?? "GET",
      path,
      headers: request.headers,
      body: body.toString("utf8"),
    };
    const sandboxPath = /^\/sandbox-api\/([^/]+)(\/.*)$/.exec(path);
    if (sandboxPath) {
      sandboxRequests.push(recorded);
      if (!authorized(request, response)) return;
      const sandbox = sandboxes.get(sandboxPath[1] ?? "");
      if (!sandbox || sandbox.deleted) {
        sendJson(response, 404, { error: "sandbox not found" });
        return;
      }
      handleSandboxApi(sandbox, request.method ?? "GET", sandboxPath[2] ?? "/", body, response);
      return;
    }
    controlRequests.push(recorded);
    if (!authorized(request, response)) return;
    handleControlPlane(request.method ?? "GET", path, recorded.body, response);
  }

  function authorized(request: IncomingMessage, response: ServerResponse): boolean {
    if (request.headers["x-blaxel-authorization"] !== `Bearer ${apiKey}`) {
      sendJson(response, 401, { error: "Unauthorized: invalid API key", code: 401 });
      return false;
    }
    if (request.headers["x-blaxel-workspace"] !== workspace) {
      sendJson(response, 403, {
        error: `Forbidden: no access to workspace ${request.headers["x-blaxel-workspace"]}`,
      });
      return false;
    }
    return true;
  }

  function sandboxRecord(sandbox: FakeBlaxelSandbox, status: string) {
    return {
      metadata: { name: sandbox.name, workspace, url: `${url}/sandbox-api/${sandbox.name}` },
      spec: sandbox.createBody.spec ?? {},
      status,
    };
  }

  function handleControlPlane(method: string, path: string, body: string, response: ServerResponse): void {
    if (method === "POST" && path === "/sandboxes") {
      if (options.createFailure) {
        sendJson(response, options.createFailure.status, { error: options.createFailure.message });
        return;
      }
      const createBody = JSON.parse(body || "{}") as Record<string, any>;
      const name = String(createBody.metadata?.name ?? `sandbox-${randomUUID().slice(0, 8)}`);
      if (sandboxes.get(name)?.deleted === false) {
        sendJson(response, 409, { error: `sandbox ${name} already exists` });
        return;
      }
      const home = mkdtempSync(join(tmpdir(), "smol-fake-blaxel-"));
      const sandbox: FakeBlaxelSandbox = { name, createBody, deleted: false, processes: new Map(), home };
      sandboxes.set(name, sandbox);
      sendJson(response, 200, sandboxRecord(sandbox, "DEPLOYED"));
      return;
    }
    const match = /^\/sandboxes\/([^/]+)$/.exec(path);
    const sandbox = match ? sandboxes.get(match[1] ?? "") : undefined;
    if (method === "DELETE" && sandbox && !sandbox.deleted) {
      deleteSandbox(sandbox);
      sendJson(response, 200, sandboxRecord(sandbox, "TERMINATED"));
      return;
    }
    sendJson(response, 404, { error: `the fake Blaxel API has no ${method} ${path}` });
  }

  function deleteSandbox(sandbox: FakeBlaxelSandbox): void {
    sandbox.deleted = true;
    for (const process of sandbox.processes.values()) process.child.kill();
    void Promise.all([...sandbox.processes.values()].map((process) => process.child.exited)).then(() =>
      rmSync(sandbox.home, { recursive: true, force: true }),
    );
  }

  function handleSandboxApi(
    sandbox: FakeBlaxelSandbox,
    method: string,
    path: string,
    body: Buffer,
    response: ServerResponse,
  ): void {
    if (method === "POST" && path === "/process") {
      startProcess(sandbox, JSON.parse(body.toString("utf8") || "{}") as Record<string, any>, response);
      return;
    }
    const match = /^\/process\/([^/]+)(\/.*)?$/.exec(path);
    const identifier = match?.[1] ?? "";
    const process =
      sandbox.processes.get(identifier) ??
      [...sandbox.processes.values()].find((candidate) => String(candidate.child.pid) === identifier);
    if (!process) {
      sendJson(response, 404, { error: `process ${identifier} not found` });
      return;
    }
    const action = `${method} ${match?.[2] ?? ""}`;
    if (action === "GET ") sendJson(response, 200, processRecord(process));
    else if (action === "GET /logs/stream") streamLogs(process, response);
    else if (action === "POST /stdin") {
      if (!process.child.running) sendJson(response, 409, { error: "process is not running" });
      else {
        process.child.writeStdin(body);
        sendJson(response, 200, { message: "ok" });
      }
    } else if (action === "DELETE /stdin") {
      process.child.closeStdin();
      sendJson(response, 200, { message: "ok" });
    } else if (action === "DELETE /kill" || action === "DELETE ") {
      process.child.kill();
      sendJson(response, 200, processRecord(process));
    } else sendJson(response, 404, { error: `the fake sandbox API has no ${method} ${path}` });
  }

  function startProcess(
    sandbox: FakeBlaxelSandbox,
    request: Record<string, any>,
    response: ServerResponse,
  ): void {
    const name = String(request.name ?? `process-${randomUUID().slice(0, 8)}`);
    if (sandbox.processes.get(name)?.child.running) {
      sendJson(response, 409, { error: `a process named ${name} is running` });
      return;
    }
    const pending = { stdout: "", stderr: "" };
    const record = (stream: "stdout" | "stderr", text: string, final = false) => {
      pending[stream] += text;
      const lines = pending[stream].split("\n");
      pending[stream] = final ? "" : (lines.pop() ?? "");
      for (const line of lines) if (!(final && line === "")) publish(process, `${stream}:${line}`);
    };
    const child = new LocalProcess(
      "/bin/sh",
      ["-c", String(request.command ?? "")],
      { env: { HOME: sandbox.home, ...(request.env ?? {}) }, cwd: request.workingDir ?? sandbox.home },
      {
        onStdout: (chunk) => record("stdout", chunk.toString("utf8")),
        onStderr: (chunk) => record("stderr", chunk.toString("utf8")),
        onExit: (exitCode) => {
          record("stdout", "", true);
          record("stderr", "", true);
          process.exitCode = exitCode;
          for (const stream of subscribers.get(process) ?? []) stream.end();
          subscribers.delete(process);
        },
      },
    );
    const process: FakeBlaxelProcess = { name, request, child, logLines: [], exitCode: undefined };
    sandbox.processes.set(name, process);
    if (!request.stdin) child.closeStdin();
    sendJson(response, 200, processRecord(process));
  }

  const subscribers = new Map<FakeBlaxelProcess, Set<ServerResponse>>();

  function publish(process: FakeBlaxelProcess, line: string): void {
    process.logLines.push(line);
    for (const stream of subscribers.get(process) ?? []) stream.write(`${line}\n`);
  }

  /** Replays the lines so far, then follows the process until it ends. */
  function streamLogs(process: FakeBlaxelProcess, response: ServerResponse): void {
    response.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
    for (const line of process.logLines) response.write(`${line}\n`);
    if (!process.child.running) {
      response.end();
      return;
    }
    const set = subscribers.get(process) ?? new Set();
    set.add(response);
    subscribers.set(process, set);
    logStreams.add(response);
    response.once("close", () => {
      set.delete(response);
      logStreams.delete(response);
    });
  }

  function processRecord(process: FakeBlaxelProcess) {
    const running = process.child.running;
    return {
      name: process.name,
      pid: String(process.child.pid),
      command: String(process.request.command ?? ""),
      status: running ? "running" : process.exitCode === 0 ? "completed" : "failed",
      exitCode: process.exitCode ?? 0,
      startedAt: new Date().toISOString(),
      completedAt: running ? "" : new Date().toISOString(),
      logs: "",
      stdout: "",
      stderr: "",
      workingDir: String(process.request.workingDir ?? ""),
      stdin: Boolean(process.request.stdin),
    };
  }

  url = await listenOnLoopback(server);
  return {
    apiUrl: url,
    controlRequests,
    sandboxRequests,
    sandboxes,
    guestTraffic: () => {
      const parts = sandboxRequests.map((request) => request.body);
      for (const sandbox of sandboxes.values())
        for (const process of sandbox.processes.values())
          parts.push(JSON.stringify(process.request), Buffer.concat(process.child.stdin).toString("utf8"));
      return parts.join("\n");
    },
    close: async () => {
      for (const sandbox of sandboxes.values()) if (!sandbox.deleted) deleteSandbox(sandbox);
      for (const stream of logStreams) stream.destroy();
      await closeServer(server);
    },
  };
}
