import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { answer, callTool, Gate, tasksIn, toolCallingAgent, weatherTool } from "./__tests__/agents.js";
import { openSession, parseEventStream, rawRequest } from "./__tests__/http.js";
import { AgentUI, AgentUIError, type LaunchedAgentUI } from "./index.js";

const json = { "content-type": "application/json" };

function postRun(url: string, sessionId: string, body: unknown, signal?: AbortSignal) {
  return fetch(new URL(`/api/sessions/${sessionId}/runs`, url), {
    method: "POST",
    headers: json,
    body: JSON.stringify(body),
    signal,
  });
}

describe("AgentUI server (raw HTTP)", () => {
  let ui: LaunchedAgentUI | undefined;
  afterEach(async () => {
    await ui?.close();
    ui = undefined;
  });

  it("serves one self-contained page under a strict content security policy", async () => {
    const agent = toolCallingAgent([answer("hi")]);
    ui = await new AgentUI(agent, { port: 0, title: "<b>My agent</b>" }).launch({ quiet: true });
    expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const response = await rawRequest(ui.url, { method: "GET", path: "/" });
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    const policy = String(response.headers["content-security-policy"]);
    const nonce = /script-src 'nonce-([^']+)'/.exec(policy)?.[1];
    expect(nonce).toBeTruthy();
    expect(policy).toContain("default-src 'none'");
    expect(response.body).toContain(`<script nonce="${nonce}">`);
    expect(response.body).toContain("<title>&#60;b&#62;My agent&#60;/b&#62;</title>");
    // Nothing is loaded from elsewhere: no URL to another host anywhere in the page.
    expect(response.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(response.body).not.toMatch(/@import|url\(/);
  });

  it("streams a run as server-sent events, in the order the page draws them", async () => {
    const agent = toolCallingAgent([callTool("get_weather", { city: "Lyon" }), answer("Sunny in Lyon")], {
      tools: [weatherTool()],
      streamOutputs: true,
    });
    ui = await new AgentUI(agent, { port: 0 }).launch({ quiet: true });
    const sessionId = await openSession(ui.url);
    const response = await postRun(ui.url, sessionId, { task: "Weather in Lyon?" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const events = parseEventStream(await response.text());
    expect(events.map((event) => event.kind)).toEqual([
      "tool-call",
      "tool-output",
      "step",
      "tool-call",
      "tool-output",
      "step",
      "final-answer",
      "run-end",
    ]);
    expect(events[1]).toMatchObject({
      kind: "tool-output",
      step: 1,
      name: "get_weather",
      text: "Sunny and 24°C in Lyon",
    });
    expect(events[2]).toMatchObject({
      kind: "step",
      step: 1,
      footer: { inputTokens: 100, outputTokens: 20 },
    });
    expect(events.at(-2)).toEqual({
      kind: "final-answer",
      text: "Sunny in Lyon",
      html: "<p>Sunny in Lyon</p>",
      media: [],
    });
    expect(events.at(-1)).toEqual({ kind: "run-end", status: "done", message: "Done." });
  });

  it("refuses requests another web site could make: foreign Origin, foreign Host, form content types", async () => {
    ui = await new AgentUI(toolCallingAgent([answer("hi")]), { port: 0 }).launch({ quiet: true });
    const port = new URL(ui.url).port;
    const crossOrigin = await rawRequest(ui.url, {
      path: "/api/sessions",
      headers: { ...json, origin: "http://evil.example" },
      body: "{}",
    });
    expect(crossOrigin.status).toBe(403);
    const rebound = await rawRequest(ui.url, {
      method: "GET",
      path: "/",
      headers: { host: `evil.example:${port}` },
    });
    expect(rebound.status).toBe(403);
    const form = await rawRequest(ui.url, {
      path: "/api/sessions",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "a=b",
    });
    expect(form.status).toBe(415);
    const sameOrigin = await rawRequest(ui.url, {
      path: "/api/sessions",
      headers: { ...json, origin: `http://127.0.0.1:${port}` },
      body: "{}",
    });
    expect(sameOrigin.status).toBe(201);
    const localhost = await rawRequest(ui.url, {
      method: "GET",
      path: "/",
      headers: { host: `localhost:${port}` },
    });
    expect(localhost.status).toBe(200);
  });

  it("answers unknown sessions, paths and methods with JSON errors", async () => {
    ui = await new AgentUI(toolCallingAgent([answer("hi")]), { port: 0 }).launch({ quiet: true });
    const unknown = await rawRequest(ui.url, {
      path: "/api/sessions/nope/runs",
      headers: json,
      body: '{"task":"x"}',
    });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).code).toBe("unknown-session");
    expect((await rawRequest(ui.url, { method: "GET", path: "/missing" })).status).toBe(404);
    expect((await rawRequest(ui.url, { method: "GET", path: "/api/sessions" })).status).toBe(405);
    const sessionId = await openSession(ui.url);
    const badJson = await rawRequest(ui.url, {
      path: `/api/sessions/${sessionId}/runs`,
      headers: json,
      body: "{task",
    });
    expect(badJson.status).toBe(400);
    const empty = await postRun(ui.url, sessionId, { task: "   " });
    expect(empty.status).toBe(400);
    expect((await empty.json()).error).toBe("Write a task for the agent first.");
    const stop = await rawRequest(ui.url, {
      path: `/api/sessions/${sessionId}/stop`,
      headers: json,
      body: "{}",
    });
    expect(stop.status).toBe(409);
  });

  it("runs one task at a time per conversation, and a closed tab stops its run", async () => {
    const modelStarted = new Gate();
    const aborted = new Gate();
    const agent = toolCallingAgent(async (_messages, options) => {
      modelStarted.open();
      // A model call that only ends when the run's signal aborts.
      await new Promise((resolve) => options.signal?.addEventListener("abort", resolve, { once: true }));
      aborted.open();
      return answer("never shown");
    });
    ui = await new AgentUI(agent, { port: 0 }).launch({ quiet: true });
    const sessionId = await openSession(ui.url);
    const tabGone = new AbortController();
    const first = await postRun(ui.url, sessionId, { task: "Think for a long time" }, tabGone.signal);
    expect(first.status).toBe(200);
    await modelStarted.opened;

    const second = await postRun(ui.url, sessionId, { task: "And this too" });
    expect(second.status).toBe(409);
    expect((await second.json()).error).toContain("A run is already going in this conversation");
    const reset = await rawRequest(ui.url, {
      path: `/api/sessions/${sessionId}/reset`,
      headers: json,
      body: "{}",
    });
    expect(reset.status).toBe(409);

    tabGone.abort();
    await aborted.opened;
    // The session is free again once the aborted run has wound down.
    await expect
      .poll(
        async () =>
          (await rawRequest(ui!.url, { path: `/api/sessions/${sessionId}/reset`, headers: json, body: "{}" }))
            .status,
      )
      .toBe(200);
  });

  it("stops reading an upload without Content-Length as soon as it passes the limit", async () => {
    const folder = await mkdtemp(join(tmpdir(), "smol-ui-chunked-"));
    try {
      ui = await new AgentUI(toolCallingAgent([answer("hi")]), {
        port: 0,
        fileUploadFolder: folder,
        maxUploadBytes: 10_000,
      }).launch({
        quiet: true,
      });
      const sessionId = await openSession(ui.url);
      const response = await rawRequest(ui.url, {
        path: `/api/sessions/${sessionId}/uploads?name=stream.bin`,
        headers: { "content-type": "application/octet-stream", "transfer-encoding": "chunked" },
        chunks: Array.from({ length: 4 }, () => Buffer.alloc(4000)),
      }).catch((error: NodeJS.ErrnoException) => ({
        status: error.code === "EPIPE" || error.code === "ECONNRESET" ? 413 : 0,
      }));
      expect(response.status).toBe(413);
      expect(await readdir(folder)).toEqual([]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it("only lets a run use files uploaded in its own conversation", async () => {
    const folder = await mkdtemp(join(tmpdir(), "smol-ui-files-"));
    try {
      ui = await new AgentUI(toolCallingAgent([answer("hi")]), { port: 0, fileUploadFolder: folder }).launch({
        quiet: true,
      });
      const owner = await openSession(ui.url);
      const other = await openSession(ui.url);
      const upload = await rawRequest(ui.url, {
        path: `/api/sessions/${owner}/uploads?name=notes.txt`,
        headers: { "content-type": "application/octet-stream" },
        body: "private notes",
      });
      expect(upload.status).toBe(201);
      const { storedName } = JSON.parse(upload.body).file;
      const refused = await postRun(ui.url, other, { task: "Read it", files: [storedName] });
      expect(refused.status).toBe(400);
      expect((await refused.json()).error).toBe(`No file "${storedName}" was uploaded in this conversation.`);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it("with resetAgentMemory, starts every message from an empty memory", async () => {
    const agent = toolCallingAgent((messages) => answer(`I can see ${tasksIn(messages).length} task(s).`));
    ui = await new AgentUI(agent, { port: 0, resetAgentMemory: true }).launch({ quiet: true });
    const sessionId = await openSession(ui.url);
    for (const task of ["First", "Second"]) {
      const events = parseEventStream(await (await postRun(ui.url, sessionId, { task })).text());
      expect(events.at(-2)).toMatchObject({ kind: "final-answer", text: "I can see 1 task(s)." });
    }
  });

  it("drops the least recently used conversation past maxSessions, and disposes of its agent", async () => {
    const disposed: number[] = [];
    let made = 0;
    const agentFactory = () => {
      const number = ++made;
      return Object.assign(toolCallingAgent([answer("hi")]), { cleanup: () => disposed.push(number) });
    };
    ui = await new AgentUI(toolCallingAgent([answer("hi")]), {
      port: 0,
      agentFactory,
      maxSessions: 2,
    }).launch({
      quiet: true,
    });
    const oldest = await openSession(ui.url); // the agent given
    const middle = await openSession(ui.url); // agent 1
    const reset = (id: string) =>
      rawRequest(ui!.url, { path: `/api/sessions/${id}/reset`, headers: json, body: "{}" }).then(
        (response) => response.status,
      );
    expect(await reset(oldest)).toBe(200); // now the most recently used
    await openSession(ui.url); // agent 2; "middle" goes
    expect(await reset(middle)).toBe(404);
    expect(await reset(oldest)).toBe(200);
    expect(disposed).toEqual([1]);
  });

  it("explains a port in use, a clone mode without factory, and a second launch", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const agent = toolCallingAgent([answer("hi")]);
      await expect(new AgentUI(agent, { port }).launch({ quiet: true })).rejects.toThrow(
        `Port ${port} on 127.0.0.1 is in use: choose another port, or 0 for any free one.`,
      );
      expect(() => new AgentUI(agent, { sessionMode: "clone" })).toThrow(AgentUIError);
      const twice = new AgentUI(agent, { port: 0 });
      ui = await twice.launch({ quiet: true });
      await expect(twice.launch({ quiet: true })).rejects.toThrow("already launched");
    } finally {
      blocker.close();
    }
  });

  it("closes its server and disposes of the agents it made, not the one it was given", async () => {
    const disposed: string[] = [];
    const given = Object.assign(toolCallingAgent([answer("given")]), {
      cleanup: () => disposed.push("given"),
    });
    const agentFactory = () =>
      Object.assign(toolCallingAgent([answer("made")]), { cleanup: () => disposed.push("made") });
    const launched = await new AgentUI(given, { port: 0, agentFactory }).launch({ quiet: true });
    await openSession(launched.url);
    await openSession(launched.url);
    await launched[Symbol.asyncDispose]();
    await launched.close();
    expect(disposed).toEqual(["made"]);
    await expect(rawRequest(launched.url, { method: "GET", path: "/" })).rejects.toThrow(/ECONNREFUSED/);
  });
});
