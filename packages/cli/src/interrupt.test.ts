/**
 * Ctrl-C during a run: the built command stops the agent, removes its sandbox and exits 130.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { startFakeOpenAIServer } from "@smol/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { descendantsOf, ensureBuilt, isAlive, smolagentBin, startCli } from "./__tests__/built-cli.js";

beforeAll(() => ensureBuilt(), 900_000);

/** How many times `text` appears in `output`. */
function timesIn(output: string, text: string): number {
  return output.split(text).length - 1;
}

/** Polls `condition` every 100 ms, at most `attempts` times. */
async function eventually(condition: () => boolean, attempts = 150): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (condition()) return;
    await sleep(100);
  }
  throw new Error("The condition never held.");
}

describe("Ctrl-C", () => {
  it("while the sandbox runs code: exit 130, and no sandbox process left", async () => {
    await using server = await startFakeOpenAIServer({
      replies: ["Thought: count forever.\n<code>\ncount = 0\nwhile True:\n    count += 1\n</code>"],
    });
    const cli = startCli(smolagentBin, [
      "Count forever.",
      "--model-type",
      "OpenAIModel",
      "--api-base",
      server.baseURL,
      "--api-key",
      "sk-fake",
    ]);
    await cli.waitForOutput("Executing parsed code:");
    // The sandbox (a Deno process running Pyodide) is a child of the command.
    await eventually(() => descendantsOf(cli.pid).length > 0);
    const sandboxProcesses = descendantsOf(cli.pid);

    cli.kill("SIGINT");
    const result = await cli.result;

    expect(result.code).toBe(130);
    expect(result.stdout).toContain("Interrupted: stopping the agent and removing its sandbox");
    expect(result.stderr).toMatch(/^smolagent: .*interrupted/im);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    // Each message once: the notice when Ctrl-C comes, the abort when the command ends.
    const shown = result.stdout + result.stderr;
    expect(timesIn(shown, "Interrupted: stopping the agent")).toBe(1);
    expect(timesIn(shown, "aborted through its signal")).toBe(1);
    await eventually(() => sandboxProcesses.every((pid) => !isAlive(pid)), 50);
  });

  it("while waiting for the model: exit 130 and an 'interrupted' JSON summary", async () => {
    let release: () => void = () => {};
    const answered = new Promise<void>((resolve) => {
      release = resolve;
    });
    await using server = await startFakeOpenAIServer({
      // The model never answers until the test is over.
      replies: async () => {
        await answered;
        return "too late";
      },
    });
    try {
      const cli = startCli(smolagentBin, [
        "Wait.",
        "--model-type",
        "OpenAIModel",
        "--api-base",
        server.baseURL,
        "--api-key",
        "sk-fake",
        "--output",
        "json",
      ]);
      await eventually(() => server.chatRequests.length > 0);
      cli.kill("SIGINT");
      const result = await cli.result;
      expect(result.code).toBe(130);
      // Once for the reader on stderr; stdout's JSON summary carries it as data.
      expect(timesIn(result.stderr, "aborted through its signal")).toBe(1);
      expect(JSON.parse(result.stdout)).toMatchObject({
        status: "interrupted",
        error: { type: "AgentInterruptedError" },
      });
    } finally {
      release();
    }
  });
});
