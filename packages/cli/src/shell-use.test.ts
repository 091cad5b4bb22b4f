/**
 * `smolagent` in a shell pipeline, as a script uses it: the built command as a child process,
 * its stdout read by a reader that leaves early (`| head`), its task piped on stdin, its model
 * a local OpenAI-compatible server that checks no key (the fake one).
 */
import { startFakeOpenAIServer } from "@smol/testing";
import { beforeAll, describe, expect, it } from "vitest";
import {
  cleanEnvironment,
  descendantsOf,
  ensureBuilt,
  isAlive,
  runCli,
  smolagentBin,
  startCli,
} from "./__tests__/built-cli.js";

beforeAll(() => ensureBuilt(), 900_000);

const answerInPython = [
  "Thought: I compute it.\n<code>\nresult = 6 * 7\nprint('computed', result)\n</code>",
  "Thought: Done.\n<code>\nfinal_answer(result)\n</code>",
];

function userMessages(request: Record<string, any>): string {
  return JSON.stringify(request.messages.filter((message: { role: string }) => message.role === "user"));
}

describe("a closed output (EPIPE)", () => {
  it("--help to a reader that is gone: no stack trace, exit 0", async () => {
    const cli = startCli(smolagentBin, ["--help"]);
    // Closed before the command writes a byte: every write meets EPIPE.
    cli.closeStdout();
    const result = await cli.result;
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("a run whose reader leaves: the run stops quietly, exit 141, no sandbox left", async () => {
    // A model that never answers: each step prints, and the run would go on for 20 steps.
    await using server = await startFakeOpenAIServer({
      replies: () => "Thought: one more.\n<code>\nprint('still going')\n</code>",
    });
    const cli = startCli(smolagentBin, ["Keep going.", "--api-base", server.baseURL, "--api-key", "sk-fake"]);
    await cli.waitForOutput("still going");
    const sandboxes = descendantsOf(cli.pid);
    expect(sandboxes.length).toBeGreaterThan(0);
    cli.closeStdout();
    const result = await cli.result;

    expect(result.stderr).toBe("");
    expect(result.code).toBe(141);
    // It stopped at its next write, not after its twenty steps.
    expect(server.chatRequests.length).toBeLessThan(6);
    expect(sandboxes.filter(isAlive)).toEqual([]);
  });
});

describe("the task on stdin", () => {
  it("is read when no prompt is given and stdin is not a terminal", async () => {
    await using server = await startFakeOpenAIServer({ replies: answerInPython });
    const result = await runCli(
      smolagentBin,
      ["--api-base", server.baseURL, "--api-key", "sk-fake", "--output", "json"],
      { input: "What is six times seven?\n" },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: "answered", output: 42 });
    expect(userMessages(server.chatRequests[0]!)).toContain("What is six times seven?");
  });

  it("the prompt wins over stdin; blank stdin is no task", async () => {
    await using server = await startFakeOpenAIServer({ replies: answerInPython });
    const withPrompt = await runCli(
      smolagentBin,
      ["Multiply six by seven.", "--api-base", server.baseURL, "--api-key", "sk-fake", "--output", "json"],
      { input: "Something else entirely." },
    );
    expect(withPrompt.code, withPrompt.stderr).toBe(0);
    expect(userMessages(server.chatRequests[0]!)).toContain("Multiply six by seven.");
    expect(userMessages(server.chatRequests[0]!)).not.toContain("Something else entirely.");

    const blank = await runCli(smolagentBin, ["--api-base", server.baseURL], { input: "  \n\n" });
    expect(blank.code).toBe(2);
    expect(blank.stderr).toContain("no task given");
    expect(blank.stderr).toContain("pipe it on stdin");
  });
});

describe("--api-base without a key", () => {
  it("is accepted: a local server that checks no key answers", async () => {
    await using server = await startFakeOpenAIServer({ replies: answerInPython });
    const result = await runCli(
      smolagentBin,
      ["What is 6 times 7?", "--api-base", server.baseURL, "--output", "json"],
      {
        env: cleanEnvironment({ OPENAI_API_KEY: undefined }),
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: "answered", output: 42 });
    expect(server.chatRequests).toHaveLength(2);
  });

  it("a server that wants a key says so, and OPENAI_API_KEY is still used when set", async () => {
    await using server = await startFakeOpenAIServer({ replies: answerInPython, apiKey: "sk-from-env" });
    const withoutKey = await runCli(smolagentBin, ["What is 6 times 7?", "--api-base", server.baseURL]);
    expect(withoutKey.code).toBe(1);
    expect(withoutKey.stderr.trim().split("\n")).toHaveLength(1);
    expect(withoutKey.stderr).toContain("wants an API key (HTTP 401)");
    expect(withoutKey.stderr).toContain("Pass --api-key or set OPENAI_API_KEY.");

    const fromEnvironment = await runCli(
      smolagentBin,
      ["What is 6 times 7?", "--api-base", server.baseURL, "--output", "json"],
      { env: cleanEnvironment({ OPENAI_API_KEY: "sk-from-env" }) },
    );
    expect(fromEnvironment.code, fromEnvironment.stderr).toBe(0);
    expect(JSON.parse(fromEnvironment.stdout)).toMatchObject({ output: 42 });
  });
});
