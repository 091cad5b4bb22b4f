/**
 * @smol/restate against the real restate-server: a worker process (worker.ts) serves the agents,
 * the model is the fake OpenAI server of @smol/testing, tools count their calls in a file, and
 * the tests SIGKILL workers mid-run.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type FakeOpenAIServer,
  type RecordedRequest,
  type StartedChild,
  startFakeOpenAIServer,
  startTypeScriptChild,
} from "@smol/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { durableAgentClient } from "../client.js";
import {
  freePorts,
  type LocalRestateServer,
  QUIET_RESTATE_ENV,
  startLocalRestateServer,
} from "../local-server.js";
import { fakeReply } from "./scripted-model.js";

const workerScript = fileURLToPath(new URL("./worker.ts", import.meta.url));
const packageDir = fileURLToPath(new URL("../..", import.meta.url));

let restate: LocalRestateServer;
let model: FakeOpenAIServer;
let scratch: string;
const workers = new Set<StartedChild>();

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "smol-restate-test-"));
  model = await startFakeOpenAIServer({ replies: (request) => fakeReply(request) });
  restate = await startLocalRestateServer({ resolveFrom: packageDir });
}, 90_000);

afterEach(async () => {
  await Promise.all([...workers].map((worker) => worker.end("SIGKILL")));
  workers.clear();
});

afterAll(async () => {
  await restate?.stop();
  await model?.close();
  rmSync(scratch, { recursive: true, force: true });
});

interface Worker {
  child: StartedChild;
  url: string;
}

async function startWorker(options: {
  suffix: string;
  port?: number;
  name?: string;
  counterFile: string;
  holdAt?: number;
  holdFile?: string;
  inactivityMs?: number;
}): Promise<Worker> {
  const child = await startTypeScriptChild(workerScript, [], {
    readyPattern: /listening (\d+)/,
    cwd: packageDir,
    env: {
      ...process.env,
      ...QUIET_RESTATE_ENV,
      WORKER_NAME: options.name ?? "worker",
      SERVICE_SUFFIX: options.suffix,
      WORKER_PORT: String(options.port ?? 0),
      MODEL_BASE_URL: model.baseURL,
      COUNTER_FILE: options.counterFile,
      ...(options.holdAt ? { HOLD_AT_MODEL_CALL: String(options.holdAt), HOLD_FILE: options.holdFile } : {}),
      ...(options.inactivityMs ? { INACTIVITY_TIMEOUT_MS: String(options.inactivityMs) } : {}),
    },
  });
  workers.add(child);
  return { child, url: `http://127.0.0.1:${child.ready[1]}` };
}

/** What the tools and models of the workers really did, one record a line. */
function records(counterFile: string): { worker: string; session: string; what: string }[] {
  if (!existsSync(counterFile)) return [];
  return readFileSync(counterFile, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

function chatRequestsOf(session: string): RecordedRequest[] {
  return model.requests.filter(
    (request) =>
      request.path.endsWith("/chat/completions") &&
      JSON.stringify(request.body).includes(`session=${session} `),
  );
}

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function counterFile(name: string): string {
  const file = join(scratch, `${name}.jsonl`);
  writeFileSync(file, "");
  return file;
}

describe("agents on restate-server", () => {
  it("runs a ToolCallingAgent to completion, with its events stored as it goes", async () => {
    const counter = counterFile("tool");
    const worker = await startWorker({ suffix: "-tool", counterFile: counter });
    await restate.register(worker.url, { force: true });
    const client = durableAgentClient({ url: restate.ingressUrl, name: "tool-agent-tool" });

    const result = await client.run("t1", { task: "session=t1 sum n=5" });
    expect(result.state).toBe("success");
    expect(result.output).toBe("t1: 3, 1005");
    const events = await client.events("t1");
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining([
        "run-start",
        "step-start",
        "tool-call",
        "tool-output",
        "action-step",
        "final-answer",
        "run-end",
      ]),
    );
    expect(events.map((event) => event.index)).toEqual(events.map((_, index) => index));
    expect(new Set(events.map((event) => event.runId)).size).toBe(1);
    expect(new Set(events.map((event) => event.sessionId))).toEqual(new Set(["t1"]));
    const state = await client.state("t1");
    expect(state.status).toBe("done");
    expect(state.result?.output).toBe("t1: 3, 1005");
    expect(records(counter).filter((entry) => entry.what.startsWith("add"))).toHaveLength(2);
  }, 60_000);

  it("runs a CodeAgent with real Python to completion", async () => {
    const counter = counterFile("code");
    const worker = await startWorker({ suffix: "-code", counterFile: counter });
    await restate.register(worker.url, { force: true });
    const client = durableAgentClient({ url: restate.ingressUrl, name: "code-agent-code" });

    const result = await client.run("c1", { task: "session=c1 code" });
    expect(result.state).toBe("success");
    expect(result.output).toBe("42");
    expect(records(counter).filter((entry) => entry.what === "add 20 22")).toHaveLength(1);
  }, 90_000);

  it("SIGKILLed between two steps, a ToolCallingAgent's run goes on in a new worker: no model or tool call made twice", async () => {
    const counter = counterFile("crash");
    const holdFile = join(scratch, "crash.hold");
    const [port] = await freePorts(1);
    const first = await startWorker({
      suffix: "-crash",
      port,
      name: "first",
      counterFile: counter,
      holdAt: 3,
      holdFile,
    });
    await restate.register(first.url, { force: true });
    const client = durableAgentClient({ url: restate.ingressUrl, name: "tool-agent-crash" });

    const run = await client.startRun("k1", { task: "session=k1 sum n=7" });
    await until("the third model call", () => existsSync(holdFile));
    const before = await client.events("k1");
    expect(before.some((event) => event.type === "tool-output")).toBe(true);
    await first.child.end("SIGKILL");
    workers.delete(first.child);

    // The same URL, as after a redeploy: Restate retries the invocation there.
    await startWorker({ suffix: "-crash", port, name: "second", counterFile: counter });
    const result = await run.result();
    expect(result.state).toBe("success");
    expect(result.output).toBe("k1: 3, 1007");

    // Two model calls by the first worker, the third by the second; each request once.
    expect(chatRequestsOf("k1")).toHaveLength(3);
    const calls = records(counter).filter((entry) => entry.session === "k1");
    expect(calls.filter((entry) => entry.what === "add 1 2")).toEqual([
      { worker: "first", session: "k1", what: "add 1 2" },
    ]);
    expect(calls.filter((entry) => entry.what === "add 7 1000")).toEqual([
      { worker: "first", session: "k1", what: "add 7 1000" },
    ]);
    expect(calls.filter((entry) => entry.what === "model").map((entry) => entry.worker)).toEqual([
      "first",
      "first",
      "first",
      "second",
    ]);
    // The events stored before the crash are kept as they were; the run id is the same.
    const after = await client.events("k1");
    expect(after.slice(0, before.length)).toEqual(before);
    expect(new Set(after.map((event) => event.runId)).size).toBe(1);
  }, 90_000);

  it("SIGKILLed between two steps, a CodeAgent rebuilds its Python variables by running the earlier code again, tools answered from the journal", async () => {
    const counter = counterFile("code-crash");
    const holdFile = join(scratch, "code-crash.hold");
    const [port] = await freePorts(1);
    const first = await startWorker({
      suffix: "-code-crash",
      port,
      name: "first",
      counterFile: counter,
      holdAt: 2,
      holdFile,
    });
    await restate.register(first.url, { force: true });
    const client = durableAgentClient({ url: restate.ingressUrl, name: "code-agent-code-crash" });

    const run = await client.startRun("k2", { task: "session=k2 code" });
    await until("the second model call", () => existsSync(holdFile), 60_000);
    await first.child.end("SIGKILL");
    workers.delete(first.child);
    await startWorker({ suffix: "-code-crash", port, name: "second", counterFile: counter });
    const result = await run.result();
    expect(result.state).toBe("success");
    expect(result.output).toBe("42");
    expect(chatRequestsOf("k2")).toHaveLength(3);
    // `y = add(20, 22)` ran again in the new sandbox, but the tool was called once, by the first worker.
    expect(
      records(counter).filter((entry) => entry.session === "k2" && entry.what.startsWith("add")),
    ).toEqual([{ worker: "first", session: "k2", what: "add 20 22" }]);
    // The limitation: `t = time.time()` was read again on recovery. The memory keeps the first
    // step's journaled output (what the model saw), the variable is the replay's.
    const observations = result.steps
      .map((step) => String((step as { observations?: string }).observations ?? ""))
      .join("\n");
    const firstT = /t1 ([0-9.]+)/.exec(observations)?.[1];
    const secondT = /t2 ([0-9.]+)/.exec(observations)?.[1];
    expect(observations).toContain("y 42");
    expect(firstT).toBeDefined();
    expect(secondT).toBeDefined();
    expect(Number(secondT)).toBeGreaterThan(Number(firstT));
  }, 120_000);

  it("waits for an approval without a worker: the approval arrives after a restart and the run resumes", async () => {
    const counter = counterFile("approval");
    const [port] = await freePorts(1);
    const first = await startWorker({
      suffix: "-approval",
      port,
      name: "first",
      counterFile: counter,
      inactivityMs: 1_000,
    });
    await restate.register(first.url, { force: true });
    const client = durableAgentClient({ url: restate.ingressUrl, name: "tool-agent-approval" });

    const run = await client.startRun("a1", { task: "session=a1 pay" });
    const waiting = await until("the approval request", async () => {
      const state = await client.state("a1");
      return state.status === "waiting-for-approval" ? state : undefined;
    });
    expect(waiting.approvals).toHaveLength(1);
    expect(waiting.approvals[0]).toMatchObject({ toolName: "send_payment", arguments: { amount: 5 } });
    // Restate suspends the waiting invocation: nothing runs for it while the human decides.
    await until("the suspension", async () => {
      const rows = await restate.query<{ status: string }>(
        `SELECT status FROM sys_invocation WHERE id = '${run.invocationId}'`,
      );
      return rows[0]?.status === "suspended" ? true : undefined;
    });
    await first.child.end("SIGKILL");
    workers.delete(first.child);
    await startWorker({
      suffix: "-approval",
      port,
      name: "second",
      counterFile: counter,
      inactivityMs: 1_000,
    });

    await client.approve("a1", waiting.approvals[0]!.approvalId);
    await new Promise((r) => setTimeout(r, 4000));
    const result = await run.result();
    expect(result.state).toBe("success");
    expect(result.output).toBe("a1: paid 5");
    const calls = records(counter).filter((entry) => entry.session === "a1");
    expect(calls.filter((entry) => entry.what === "pay 5")).toEqual([
      { worker: "second", session: "a1", what: "pay 5" },
    ]);
    expect(chatRequestsOf("a1")).toHaveLength(2);
    expect((await client.state("a1")).approvals).toEqual([]);
  }, 90_000);

  it("a rejected approval reaches the model, and an unknown approval id is a clear error", async () => {
    const counter = counterFile("reject");
    const worker = await startWorker({ suffix: "-reject", counterFile: counter });
    await restate.register(worker.url, { force: true });
    const client = durableAgentClient({ url: restate.ingressUrl, name: "tool-agent-reject" });
    const run = await client.startRun("r1", { task: "session=r1 pay" });
    const waiting = await until("the approval request", async () => {
      const state = await client.state("r1");
      return state.approvals.length > 0 ? state : undefined;
    });
    await expect(client.approve("r1", "no-such-id")).rejects.toThrow(/No pending approval no-such-id/);
    await client.reject("r1", waiting.approvals[0]!.approvalId, "over this week's budget");
    const result = await run.result();
    expect(String(result.output)).toMatch(/^r1: .*over this week's budget/);
    expect(
      records(counter).filter((entry) => entry.session === "r1" && entry.what.startsWith("pay")),
    ).toEqual([]);
  }, 60_000);

  it("interrupt ends a waiting run as interrupted", async () => {
    const counter = counterFile("interrupt");
    const worker = await startWorker({ suffix: "-interrupt", counterFile: counter });
    await restate.register(worker.url, { force: true });
    const client = durableAgentClient({ url: restate.ingressUrl, name: "tool-agent-interrupt" });
    const run = await client.startRun("i1", { task: "session=i1 pay" });
    await until("the approval request", async () =>
      (await client.state("i1")).approvals.length > 0 ? true : undefined,
    );
    expect(await client.interrupt("i1")).toBe(true);
    const result = await run.result();
    expect(result.state).toBe("error");
    expect(result.error).toMatchObject({
      name: "AgentInterruptedError",
      message: expect.stringMatching(/approval/),
    });
    expect((await client.state("i1")).status).toBe("interrupted");
    expect(await client.interrupt("i1")).toBe(false);
  }, 60_000);

  it("two workers serve 20 concurrent sessions without mixing them", async () => {
    const counter = counterFile("many");
    const one = await startWorker({ suffix: "-many", name: "one", counterFile: counter });
    const two = await startWorker({ suffix: "-many", name: "two", counterFile: counter });
    const client = durableAgentClient({ url: restate.ingressUrl, name: "tool-agent-many" });
    const sessions = Array.from({ length: 20 }, (_, index) => ({ id: `m${index}`, n: 100 + index }));
    // Ten runs start on the first deployment; the second is registered while they go on, and
    // takes the next ten (a run stays on the deployment it started on, as in a rolling deploy).
    await restate.register(one.url, { force: true });
    const firstHalf = await Promise.all(
      sessions
        .slice(0, 10)
        .map((session) => client.startRun(session.id, { task: `session=${session.id} sum n=${session.n}` })),
    );
    await restate.register(two.url, { force: true });
    const secondHalf = await Promise.all(
      sessions
        .slice(10)
        .map((session) => client.startRun(session.id, { task: `session=${session.id} sum n=${session.n}` })),
    );
    const results = await Promise.all([...firstHalf, ...secondHalf].map((run) => run.result()));
    results.forEach((result, index) => {
      const session = sessions[index]!;
      expect(result.output).toBe(`${session.id}: 3, ${session.n + 1000}`);
    });
    const served = records(counter);
    for (const session of sessions) {
      const own = served.filter((entry) => entry.session === session.id);
      expect(own.filter((entry) => entry.what.startsWith("add"))).toHaveLength(2);
      expect(new Set(own.map((entry) => entry.worker)).size).toBe(1);
    }
    expect(new Set(served.map((entry) => entry.worker))).toEqual(new Set(["one", "two"]));
  }, 120_000);
});
