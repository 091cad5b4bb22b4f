import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createExecutor, ExecutorError, tool } from "@smol/core";
import { type FakeBlaxel, startFakeBlaxel, startTypeScriptChild } from "@smol/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BlaxelExecutor, type BlaxelExecutorOptions } from "./index.js";

const API_KEY = "bl_secret_key_7d2e10";
const WORKSPACE = "smol-team";

describe("BlaxelExecutor", () => {
  let blaxel: FakeBlaxel | undefined;
  beforeAll(() => {
    process.env.BL_DISABLE_H2 = "true";
  });
  afterAll(() => {
    delete process.env.BL_DISABLE_H2;
    delete process.env.BL_API_URL;
  });
  afterEach(async () => {
    await blaxel?.close();
    blaxel = undefined;
  });

  async function executorOn(
    fakeOptions: Parameters<typeof startFakeBlaxel>[0],
    options: BlaxelExecutorOptions = {},
  ) {
    blaxel = await startFakeBlaxel({ apiKey: API_KEY, workspace: WORKSPACE, ...fakeOptions });
    process.env.BL_API_URL = blaxel.apiUrl;
    return new BlaxelExecutor({ apiKey: API_KEY, workspace: WORKSPACE, region: "us-pdx-1", ...options });
  }

  it("refuses to start without credentials, naming what is missing", () => {
    const saved = { key: process.env.BL_API_KEY, workspace: process.env.BL_WORKSPACE };
    delete process.env.BL_API_KEY;
    delete process.env.BL_WORKSPACE;
    try {
      expect(() => new BlaxelExecutor()).toThrow(ExecutorError);
      expect(() => new BlaxelExecutor({ apiKey: "bl_x" })).toThrow(/BL_WORKSPACE/);
      expect(() => new BlaxelExecutor({ workspace: "team" })).toThrow(/BL_API_KEY/);
    } finally {
      if (saved.key !== undefined) process.env.BL_API_KEY = saved.key;
      if (saved.workspace !== undefined) process.env.BL_WORKSPACE = saved.workspace;
    }
  });

  it('is what `executorType: "blaxel"` creates, with credentials from the environment', async () => {
    blaxel = await startFakeBlaxel({ apiKey: API_KEY, workspace: WORKSPACE });
    process.env.BL_API_URL = blaxel.apiUrl;
    process.env.BL_API_KEY = API_KEY;
    process.env.BL_WORKSPACE = WORKSPACE;
    try {
      await using executor = await createExecutor("blaxel", { region: "us-pdx-1" });
      expect(executor).toBeInstanceOf(BlaxelExecutor);
      expect((await executor.run("'via createExecutor'")).output).toBe("via createExecutor");
    } finally {
      delete process.env.BL_API_KEY;
      delete process.env.BL_WORKSPACE;
    }
  });

  it("says what to do when Blaxel refuses the API key", async () => {
    blaxel = await startFakeBlaxel({ apiKey: "bl_the_right_key", workspace: WORKSPACE });
    process.env.BL_API_URL = blaxel.apiUrl;
    const executor = new BlaxelExecutor({
      apiKey: "bl_a_wrong_key",
      workspace: WORKSPACE,
      region: "us-pdx-1",
    });
    const failure = executor.run("1");
    await expect(failure).rejects.toThrow(ExecutorError);
    await expect(failure).rejects.toThrow(/refused the API key.*BL_API_KEY/s);
    await executor.cleanup();
  });

  it("says what to do when the workspace is over its quota", async () => {
    const executor = await executorOn({ createFailure: { status: 429, message: "sandbox quota exceeded" } });
    await expect(executor.start()).rejects.toThrow(/quota.*cleanup\(\)/s);
    await executor.cleanup();
  });

  it("says what happened when the sandbox fails to start", async () => {
    const executor = await executorOn({ createFailure: { status: 500, message: "image pull failed" } });
    await expect(executor.start()).rejects.toThrow(/could not create the Blaxel sandbox.*image pull failed/s);
    await executor.cleanup();
  });

  it("creates the sandbox as asked and deletes it on cleanup", async () => {
    const executor = await executorOn(
      {},
      {
        image: "my-team/python:3.12",
        memory: 2048,
        ttl: "30m",
        sandboxName: "agent-box",
        region: "eu-lon-1",
      },
    );
    await executor.start();
    expect(executor.sandboxName).toBe("agent-box");
    const sandbox = blaxel!.sandboxes.get("agent-box");
    expect(sandbox?.createBody).toMatchObject({
      metadata: { name: "agent-box" },
      spec: { region: "eu-lon-1", runtime: { image: "my-team/python:3.12", memory: 2048, ttl: "30m" } },
    });
    expect(sandbox?.deleted).toBe(false);
    await executor.cleanup();
    expect(sandbox?.deleted).toBe(true);
    expect(executor.sandboxName).toBeUndefined();
  });

  it("deletes the sandbox when disposed with `await using`, and names a replacement apart", async () => {
    {
      await using executor = await executorOn({}, { sandboxName: "box", timeoutSeconds: 1 });
      expect((await executor.run("6 * 7")).output).toBe(42);
      const timedOut = await executor.run("while True:\n    pass");
      expect(timedOut.error?.type).toBe("TimeoutError");
      expect((await executor.run("'again'")).output).toBe("again");
      expect(executor.sandboxName).toBe("box-2");
    }
    expect(blaxel!.sandboxes.get("box")?.deleted).toBe(true);
    expect(blaxel!.sandboxes.get("box-2")?.deleted).toBe(true);
  });

  it("sends no secret to the code in the sandbox: neither the API key nor the host's environment", async () => {
    const hostSecret = "host-only-secret-5a8c2f";
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
      expect(String(output.output)).not.toContain("SMOL_TEST_HOST_SECRET");
      expect(calls).toEqual(["Paris:true"]);
      await executor.cleanup();

      const traffic = blaxel!.guestTraffic();
      // The capture saw the code and the tool's answer: it really holds what entered the sandbox.
      expect(traffic).toContain("fetch_weather('Paris')");
      expect(traffic).toContain("sunny in Paris");
      expect(traffic).not.toContain(API_KEY);
      expect(traffic).not.toContain(hostSecret);
      expect(traffic).not.toContain("SMOL_TEST_HOST_SECRET");
    } finally {
      delete process.env.SMOL_TEST_HOST_SECRET;
    }
  });

  const exitChild = join(dirname(fileURLToPath(import.meta.url)), "__tests__", "exit-child.mts");
  for (const [how, signal] of [
    ["exit", undefined],
    ["busy", "SIGTERM"],
  ] as const) {
    it(`deletes its sandbox when its process ${how === "exit" ? "calls process.exit" : `gets ${signal}`}`, async () => {
      blaxel = await startFakeBlaxel({ apiKey: API_KEY, workspace: WORKSPACE });
      const child = await startTypeScriptChild(exitChild, [how, API_KEY, WORKSPACE], {
        readyPattern: /sandbox (\S+)/,
        env: { ...process.env, BL_API_URL: blaxel.apiUrl, BL_DISABLE_H2: "true" },
      });
      const name = child.ready[1]!;
      expect(blaxel.sandboxes.get(name)?.deleted).toBe(false);
      const end = await child.end(signal);
      if (signal) expect(end.signal).toBe(signal);
      else expect(end.code, child.stderr).toBe(0);
      expect(blaxel.sandboxes.get(name)?.deleted).toBe(true);
    }, 30_000);
  }
});
