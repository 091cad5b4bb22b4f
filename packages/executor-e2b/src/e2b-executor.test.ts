import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createExecutor, ExecutorError, tool } from "@smol/core";
import { type FakeE2B, startFakeE2B, startTypeScriptChild } from "@smol/testing";
import { afterEach, describe, expect, it } from "vitest";
import { E2BExecutor, type E2BExecutorOptions } from "./index.js";

const API_KEY = "e2b_secret_key_4f1c9a";

describe("E2BExecutor", () => {
  let e2b: FakeE2B | undefined;
  afterEach(async () => {
    await e2b?.close();
    e2b = undefined;
  });

  async function executorOn(
    fakeOptions: Parameters<typeof startFakeE2B>[0],
    options: E2BExecutorOptions = {},
  ) {
    e2b = await startFakeE2B({ apiKey: API_KEY, ...fakeOptions });
    return new E2BExecutor({
      apiKey: API_KEY,
      ...options,
      sandboxOptions: { apiUrl: e2b.apiUrl, sandboxUrl: e2b.sandboxUrl, ...options.sandboxOptions },
    });
  }

  it("refuses to start without an API key, saying where to put one", () => {
    const saved = process.env.E2B_API_KEY;
    delete process.env.E2B_API_KEY;
    try {
      expect(() => new E2BExecutor()).toThrow(ExecutorError);
      expect(() => new E2BExecutor()).toThrow(/E2B_API_KEY/);
    } finally {
      if (saved !== undefined) process.env.E2B_API_KEY = saved;
    }
  });

  it('is what `executorType: "e2b"` creates', async () => {
    e2b = await startFakeE2B({ apiKey: API_KEY });
    await using executor = await createExecutor("e2b", {
      apiKey: API_KEY,
      sandboxOptions: { apiUrl: e2b.apiUrl, sandboxUrl: e2b.sandboxUrl },
    });
    expect(executor).toBeInstanceOf(E2BExecutor);
    expect((await executor.run("'via createExecutor'")).output).toBe("via createExecutor");
  });

  it("reads the API key from E2B_API_KEY", async () => {
    e2b = await startFakeE2B({ apiKey: API_KEY });
    const saved = process.env.E2B_API_KEY;
    process.env.E2B_API_KEY = API_KEY;
    try {
      await using executor = new E2BExecutor({
        sandboxOptions: { apiUrl: e2b.apiUrl, sandboxUrl: e2b.sandboxUrl },
      });
      expect((await executor.run("1 + 1")).output).toBe(2);
    } finally {
      if (saved === undefined) delete process.env.E2B_API_KEY;
      else process.env.E2B_API_KEY = saved;
    }
  });

  it("says what to do when E2B refuses the API key", async () => {
    e2b = await startFakeE2B({ apiKey: "e2b_the_right_key" });
    const executor = new E2BExecutor({
      apiKey: "e2b_a_wrong_key",
      sandboxOptions: { apiUrl: e2b.apiUrl, sandboxUrl: e2b.sandboxUrl },
    });
    const failure = executor.run("1");
    await expect(failure).rejects.toThrow(ExecutorError);
    await expect(failure).rejects.toThrow(/refused the API key.*E2B_API_KEY/s);
    await executor.cleanup();
  });

  it("says what to do when the account is over its quota", async () => {
    const executor = await executorOn({
      createFailure: { status: 429, message: "concurrent sandbox limit reached" },
    });
    await expect(executor.start()).rejects.toThrow(/limit.*cleanup\(\)/s);
    await executor.cleanup();
  });

  it("says what happened when the sandbox fails to start", async () => {
    const executor = await executorOn({
      createFailure: { status: 500, message: "the node ran out of capacity" },
    });
    await expect(executor.start()).rejects.toThrow(/could not start the E2B sandbox.*ran out of capacity/s);
    await executor.cleanup();
  });

  it("creates the sandbox from the template with the timeout, and kills it on cleanup", async () => {
    const executor = await executorOn({}, { template: "python-smol", timeoutMs: 120_000 });
    await executor.start();
    const sandboxId = executor.sandboxId;
    expect(sandboxId).toBeDefined();
    const sandbox = e2b!.sandboxes.get(sandboxId!);
    expect(sandbox?.createBody).toMatchObject({ templateID: "python-smol", timeout: 120 });
    expect(sandbox?.killed).toBe(false);
    await executor.cleanup();
    expect(sandbox?.killed).toBe(true);
    expect(executor.sandboxId).toBeUndefined();
    expect(e2b!.controlRequests.some((request) => request.method === "DELETE")).toBe(true);
  });

  it("kills the sandbox when disposed with `await using`", async () => {
    let sandboxId: string | undefined;
    {
      await using executor = await executorOn({});
      expect((await executor.run("6 * 7")).output).toBe(42);
      sandboxId = executor.sandboxId;
    }
    expect(e2b!.sandboxes.get(sandboxId!)?.killed).toBe(true);
  });

  it("replaces a sandbox that E2B killed between runs, with an error that says so", async () => {
    const executor = await executorOn({});
    expect((await executor.run("x = 1\nx")).output).toBe(1);
    const first = executor.sandboxId!;
    const response = await fetch(`${e2b!.apiUrl}/sandboxes/${first}`, {
      method: "DELETE",
      headers: { "X-API-KEY": API_KEY },
    });
    expect(response.status).toBe(204);
    await Promise.all([...e2b!.sandboxes.get(first)!.processes.values()].map((child) => child.exited));
    // The death reaches the host through the output stream; a run sent before it arrives learns
    // of it as a SandboxError, one sent after gets a fresh sandbox at once.
    const raced = await executor.run("'fresh'");
    if (raced.error)
      expect(raced.error).toMatchObject({
        type: "SandboxError",
        message: expect.stringMatching(/E2B sandbox/),
      });
    const next = raced.error ? await executor.run("'fresh'") : raced;
    expect(next.error).toBeUndefined();
    expect(next.output).toBe("fresh");
    expect(executor.sandboxId).not.toBe(first);
    await executor.cleanup();
  });

  it("sends no secret into the sandbox: neither the API key nor the host's environment", async () => {
    const hostSecret = "host-only-secret-93b1e7";
    process.env.SMOL_TEST_HOST_SECRET = hostSecret;
    try {
      const executor = await executorOn({}, { additionalAuthorizedImports: ["os"] });
      const calls: string[] = [];
      await executor.sendTools([
        tool(
          {
            name: "fetch_weather",
            description: "Weather of a city (the key stays on the host).",
            inputs: { city: { type: "string", description: "The city." } },
            outputType: "string",
          },
          ({ city }) => {
            calls.push(`${city}:${process.env.SMOL_TEST_HOST_SECRET === hostSecret}`);
            return `sunny in ${city}`;
          },
        ),
      ]);
      const output = await executor.run(
        "import os\nenvironment = dict(os.environ)\nfetch_weather('Paris') + ' / ' + repr(sorted(environment))",
      );
      expect(output.error).toBeUndefined();
      expect(output.output).toMatch(/^sunny in Paris \/ /);
      expect(calls).toEqual(["Paris:true"]);
      await executor.cleanup();

      const traffic = e2b!.sandboxTraffic();
      // The capture saw the code and the tool's answer: it really holds what entered the sandbox.
      expect(traffic).toContain("fetch_weather('Paris')");
      expect(traffic).toContain("sunny in Paris");
      expect(traffic).not.toContain(API_KEY);
      expect(traffic).not.toContain(hostSecret);
      expect(traffic).not.toContain("SMOL_TEST_HOST_SECRET");
      // The control plane, and only it, got the key.
      expect(e2b!.controlRequests.every((request) => request.headers["x-api-key"] === API_KEY)).toBe(true);
      expect(String(output.output)).not.toContain("SMOL_TEST_HOST_SECRET");
    } finally {
      delete process.env.SMOL_TEST_HOST_SECRET;
    }
  });

  const exitChild = join(dirname(fileURLToPath(import.meta.url)), "__tests__", "exit-child.mts");
  for (const [how, signal] of [
    ["exit", undefined],
    ["busy", "SIGTERM"],
  ] as const) {
    it(`kills its sandbox when its process ${how === "exit" ? "calls process.exit" : `gets ${signal}`}`, async () => {
      e2b = await startFakeE2B({ apiKey: API_KEY });
      const child = await startTypeScriptChild(exitChild, [how, e2b.apiUrl, e2b.sandboxUrl, API_KEY], {
        readyPattern: /sandbox (\S+)/,
      });
      const sandboxId = child.ready[1]!;
      expect(e2b.sandboxes.get(sandboxId)?.killed).toBe(false);
      const end = await child.end(signal);
      if (signal) expect(end.signal).toBe(signal);
      else expect(end.code, child.stderr).toBe(0);
      // The kill at exit is sent by a short child process that the exiting one waited for.
      expect(e2b.sandboxes.get(sandboxId)?.killed).toBe(true);
      expect(e2b.controlRequests.filter((request) => request.method === "DELETE")).toHaveLength(1);
    }, 30_000);
  }
});
