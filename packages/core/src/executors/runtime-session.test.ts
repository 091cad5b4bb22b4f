import { describe, expect, it, vi } from "vitest";
import { ExecutorError } from "../errors.js";
import { tool } from "../tools/function-tool.js";
import { LineChannel } from "./line-channel.js";
import type { HostMessage } from "./protocol.js";
import { RuntimeSession, VARIABLES_DEADLINE_MS } from "./runtime-session.js";
import type { RuntimeTransport } from "./transport.js";

/** Plays the runtime's side of the protocol by hand, to test how the host reacts to it. */
class HandPlayedRuntime implements RuntimeTransport {
  readonly output = new LineChannel();
  readonly lines = this.output;
  readonly received: HostMessage[] = [];
  readonly closed: Promise<{ reason: string }>;
  killed = false;
  #close!: (value: { reason: string }) => void;
  #waiting: ((message: HostMessage) => void)[] = [];
  #nonce = "";
  #deathReason: string | undefined;

  constructor() {
    this.closed = new Promise((resolve) => {
      this.#close = resolve;
    });
  }

  async writeLine(line: string): Promise<void> {
    if (this.killed || this.#deathReason) throw new Error("EPIPE");
    const message = JSON.parse(line) as HostMessage;
    if (message.type === "init") this.#nonce = message.nonce;
    const waiter = this.#waiting.shift();
    if (waiter) waiter(message);
    else this.received.push(message);
  }

  async kill(): Promise<void> {
    this.exit(this.#deathReason ?? "killed");
    this.killed = true;
  }

  /** The process died, but its end has not been noticed yet: writes fail, `closed` waits. */
  dieUnnoticed(reason: string): void {
    this.#deathReason = reason;
  }

  exit(reason: string): void {
    this.output.end();
    this.#close({ reason });
  }

  /** The next message the host sent. */
  next(): Promise<HostMessage> {
    const queued = this.received.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  get prefix(): string {
    return `smol:${this.#nonce} `;
  }

  send(message: Record<string, unknown>): void {
    this.raw(`${this.prefix}${JSON.stringify(message)}`);
  }

  raw(line: string): void {
    this.output.write(`${line}\n`);
  }
}

async function startedSession(): Promise<{ runtime: HandPlayedRuntime; session: RuntimeSession }> {
  const runtime = new HandPlayedRuntime();
  const starting = RuntimeSession.start(runtime, {
    authorizedImports: ["math"],
    maxPrintOutputsLength: 1_000,
  });
  const init = await runtime.next();
  expect(init).toMatchObject({ type: "init", authorizedImports: ["math"], maxPrintOutputsLength: 1_000 });
  runtime.send({ type: "ready", protocol: 1, python: "3.12.0", implementation: "cpython" });
  return { runtime, session: await starting };
}

describe("RuntimeSession", () => {
  it("starts with init and a fresh 32-hex nonce, then waits for ready", async () => {
    const runtime = new HandPlayedRuntime();
    const starting = RuntimeSession.start(runtime, { authorizedImports: [], maxPrintOutputsLength: 1_000 });
    const init = await runtime.next();
    expect(init.type === "init" && /^[0-9a-f]{32}$/.test(init.nonce)).toBe(true);
    runtime.raw("a line printed before ready is stray output");
    runtime.send({ type: "ready", protocol: 1, python: "3.13.1", implementation: "pyodide" });
    const session = await starting;
    expect(session.info).toEqual({ python: "3.13.1", implementation: "pyodide", executable: "" });
    expect(session.takeStrayOutput()).toBe("a line printed before ready is stray output\n");
  });

  it("fails to start with the runtime's last words when it exits before ready", async () => {
    const runtime = new HandPlayedRuntime();
    const starting = RuntimeSession.start(runtime, { authorizedImports: [], maxPrintOutputsLength: 10 });
    await runtime.next();
    runtime.raw("Traceback: something is broken");
    runtime.exit("python exited with code 1");
    const error = await starting.catch((caught: unknown) => caught);
    expect(ExecutorError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).toContain("python exited with code 1");
    expect(String((error as Error).message)).toContain("something is broken");
  });

  it("gives up on a runtime that never says ready", async () => {
    const runtime = new HandPlayedRuntime();
    const starting = RuntimeSession.start(runtime, {
      authorizedImports: [],
      maxPrintOutputsLength: 10,
      startTimeoutSeconds: 0.05,
    });
    await expect(starting).rejects.toThrow("did not become ready within 0.05 s");
    expect(runtime.killed).toBe(true);
  });

  it("returns a result with the stray output appended to the logs", async () => {
    const { runtime, session } = await startedSession();
    const running = session.run("print('hi')\n2");
    const request = await runtime.next();
    expect(request).toMatchObject({ type: "run", code: "print('hi')\n2" });
    runtime.raw("smol:0000 this has the wrong nonce: stray");
    runtime.send({
      type: "result",
      id: (request as { id: string }).id,
      output: { __smol_type__: "tuple", items: [2] },
      logs: "hi\n",
      isFinalAnswer: false,
    });
    expect(await running).toEqual({
      output: [2],
      logs: "hi\nsmol:0000 this has the wrong nonce: stray\n",
      isFinalAnswer: false,
    });
  });

  it("returns the code's error as data", async () => {
    const { runtime, session } = await startedSession();
    const running = session.run("1/0");
    const { id } = (await runtime.next()) as { id: string };
    runtime.send({
      type: "error",
      id,
      error: { type: "ZeroDivisionError", message: "division by zero", line: 1 },
      logs: "",
    });
    expect(await running).toEqual({
      output: null,
      logs: "",
      isFinalAnswer: false,
      error: { type: "ZeroDivisionError", message: "division by zero", line: 1 },
    });
  });

  it("answers tool calls with the tool's result, its error, or an unknown-tool error", async () => {
    const { runtime, session } = await startedSession();
    const double = tool(
      {
        name: "double",
        description: "Doubles.",
        inputs: { value: { type: "integer", description: "n" } },
        outputType: "integer",
      },
      ({ value }) => value * 2,
    );
    const broken = tool({ name: "broken", description: "Fails.", inputs: {}, outputType: "string" }, () => {
      throw new Error("disk on fire");
    });
    const defining = session.defineTools([double, broken]);
    const define = await runtime.next();
    expect(define).toMatchObject({
      type: "define_tools",
      tools: [
        { name: "double", inputs: { value: { type: "integer", description: "n" } }, outputType: "integer" },
        { name: "broken", inputs: {} },
      ],
    });
    runtime.send({ type: "ack", id: (define as { id: string }).id });
    await defining;

    const running = session.run("...");
    const { id } = (await runtime.next()) as { id: string };
    runtime.send({ type: "tool_call", callId: "c1", name: "double", args: [21], kwargs: {} });
    expect(await runtime.next()).toEqual({ type: "tool_result", callId: "c1", ok: true, value: 42 });
    runtime.send({
      type: "tool_call",
      callId: "c2",
      name: "double",
      args: [],
      kwargs: { value: "not a number" },
    });
    expect(await runtime.next()).toMatchObject({
      type: "tool_result",
      callId: "c2",
      ok: false,
      error: { type: "AgentToolCallError" },
    });
    runtime.send({ type: "tool_call", callId: "c3", name: "broken", args: [], kwargs: {} });
    expect(await runtime.next()).toEqual({
      type: "tool_result",
      callId: "c3",
      ok: false,
      error: { type: "Error", message: "Tool 'broken' failed: disk on fire" },
    });
    runtime.send({ type: "tool_call", callId: "c4", name: "missing", args: [], kwargs: {} });
    expect(await runtime.next()).toMatchObject({
      callId: "c4",
      ok: false,
      error: { message: "Unknown tool 'missing'." },
    });
    runtime.send({ type: "result", id, output: null, logs: "", isFinalAnswer: false });
    expect((await running).output).toBeNull();
  });

  const violations: [string, (runtime: HandPlayedRuntime, id: string) => void][] = [
    ["a framed line that is not JSON", (runtime) => runtime.raw(`${runtime.prefix}{not json`)],
    [
      "a result without logs",
      (runtime, id) => runtime.send({ type: "result", id, output: 1, isFinalAnswer: false }),
    ],
    [
      "a result for another request",
      (runtime) => runtime.send({ type: "result", id: "r999", output: 1, logs: "", isFinalAnswer: false }),
    ],
    ["an unknown message type", (runtime) => runtime.send({ type: "shell", command: "rm -rf /" })],
    [
      "a malformed tagged value",
      (runtime, id) =>
        runtime.send({
          type: "result",
          id,
          output: { __smol_type__: "bytes" },
          logs: "",
          isFinalAnswer: true,
        }),
    ],
    [
      "a second ready",
      (runtime) => runtime.send({ type: "ready", protocol: 1, python: "3", implementation: "x" }),
    ],
  ];
  for (const [label, misbehave] of violations) {
    it(`treats ${label} as a broken runtime: kills it and rejects the run`, async () => {
      const { runtime, session } = await startedSession();
      const running = session.run("x");
      const { id } = (await runtime.next()) as { id: string };
      misbehave(runtime, id);
      await expect(running).rejects.toThrow("broke the protocol");
      expect(session.end?.violation).toBe(true);
      expect(runtime.killed).toBe(true);
      await expect(session.run("y")).rejects.toThrow(ExecutorError);
    });
  }

  it("reports why the runtime died, not the broken pipe, when a request cannot be written", async () => {
    const { runtime, session } = await startedSession();
    runtime.dieUnnoticed("python was killed by SIGKILL");
    await expect(session.run("x")).rejects.toThrow(
      "The Python runtime stopped: python was killed by SIGKILL",
    );
    expect(session.end?.reason).toBe("python was killed by SIGKILL");
  });

  it("treats a tool call outside a run as a violation", async () => {
    const { runtime, session } = await startedSession();
    runtime.send({ type: "tool_call", callId: "c1", name: "double", args: [], kwargs: {} });
    expect(await session.ended).toMatchObject({ violation: true });
  });

  it("ends when the runtime reports a fatal error", async () => {
    const { runtime, session } = await startedSession();
    const running = session.run("x");
    await runtime.next();
    runtime.send({ type: "fatal", message: "cannot parse the host's line" });
    await expect(running).rejects.toThrow("cannot parse the host's line");
    expect(session.end).toMatchObject({ violation: false, errorType: "SandboxError" });
  });

  it("sends one request at a time", async () => {
    const { runtime, session } = await startedSession();
    const first = session.setVariables({ a: 1 });
    const second = session.setVariables({ b: 2 });
    const firstRequest = (await runtime.next()) as { id: string; variables: unknown };
    expect(firstRequest.variables).toEqual({ a: 1 });
    expect(runtime.received).toEqual([]);
    runtime.send({ type: "ack", id: firstRequest.id });
    await first;
    const secondRequest = (await runtime.next()) as { id: string; variables: unknown };
    expect(secondRequest.variables).toEqual({ b: 2 });
    runtime.send({
      type: "error",
      id: secondRequest.id,
      error: { type: "ValueError", message: "bad name" },
      logs: "",
    });
    await expect(second).rejects.toThrow("refused the request: ValueError: bad name");
  });
});

describe("RuntimeSession.getVariables", () => {
  it("keeps the values in their wire form, with the names the runtime could not carry", async () => {
    const { runtime, session } = await startedSession();
    const reading = session.getVariables();
    const request = await runtime.next();
    expect(request.type).toBe("get_variables");
    runtime.send({
      type: "variables",
      id: (request as { id: string }).id,
      variables: { point: { __smol_type__: "tuple", items: [1, 2] }, n: 3 },
      uncarried: [{ name: "math", pythonType: "module", reason: "a module: import it again" }],
      omitted: 0,
    });
    expect(await reading).toEqual({
      values: { point: { __smol_type__: "tuple", items: [1, 2] }, n: 3 },
      uncarried: [{ name: "math", pythonType: "module", reason: "a module: import it again" }],
      omitted: 0,
    });
  });

  it("ends the session on a malformed value, a reply of the wrong type or an oversized list", async () => {
    const replies = [
      (id: string) => ({
        type: "variables",
        id,
        variables: { x: { __smol_type__: "nope" } },
        uncarried: [],
        omitted: 0,
      }),
      (id: string) => ({ type: "ack", id }),
      (id: string) => ({
        type: "variables",
        id,
        variables: {},
        uncarried: Array.from({ length: 1_001 }, (_, index) => ({
          name: `f${index}`,
          pythonType: "function",
          reason: "",
        })),
        omitted: 0,
      }),
    ];
    for (const reply of replies) {
      const { runtime, session } = await startedSession();
      const reading = session.getVariables();
      const request = (await runtime.next()) as { id: string };
      runtime.send(reply(request.id));
      const error = await reading.catch((caught: unknown) => caught);
      expect(ExecutorError.isInstance(error)).toBe(true);
      expect(session.end?.violation).toBe(true);
      expect(runtime.killed).toBe(true);
    }
  });

  it("kills a runtime that does not answer within the deadline", async () => {
    vi.useFakeTimers();
    try {
      const { runtime, session } = await startedSession();
      const reading = session.getVariables().catch((caught: unknown) => caught);
      await runtime.next();
      await vi.advanceTimersByTimeAsync(VARIABLES_DEADLINE_MS + 10);
      const error = await reading;
      expect(String((error as Error).message)).toContain("did not answer get_variables within 15.0 s");
      expect(runtime.killed).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
