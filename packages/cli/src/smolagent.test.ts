/**
 * `smolagent` end to end: the built command against the fake OpenAI server, as a user runs it.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeOpenAIServer } from "@smol/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { cleanEnvironment, ensureBuilt, runCli, smolagentBin } from "./__tests__/built-cli.js";

beforeAll(() => ensureBuilt(), 900_000);

/** Two steps of a CodeAgent: compute in the sandbox, then answer with the variable it left there. */
const codeReplies = [
  "Thought: I compute it in Python.\n<code>\nanswer = 6 * 7\nprint('computed', answer)\n</code>",
  "Thought: The sandbox has it.\n<code>\nfinal_answer(answer)\n</code>",
];

function modelFlags(baseURL: string): string[] {
  return [
    "--model-type",
    "OpenAIModel",
    "--model-id",
    "gpt-4o",
    "--api-base",
    baseURL,
    "--api-key",
    "sk-fake",
  ];
}

function systemPrompt(request: Record<string, any>): string {
  return String(request.messages[0].content);
}

describe("smolagent with a prompt", () => {
  it("runs a CodeAgent in the local sandbox and prints a JSON summary with --output json", async () => {
    await using server = await startFakeOpenAIServer({ replies: codeReplies, apiKey: "sk-fake" });
    const result = await runCli(smolagentBin, [
      "What is 6 times 7?",
      ...modelFlags(server.baseURL),
      "--output",
      "json",
    ]);

    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      status: "answered",
      output: 42,
      state: "success",
      steps: 2,
      model: { type: "OpenAIModel", id: "gpt-4o" },
      actionType: "code",
    });
    expect(summary.tokenUsage.inputTokens).toBeGreaterThan(0);
    expect(summary.error).toBeUndefined();
    // The live output went to stderr, stdout holds only the JSON document.
    expect(result.stderr).toContain("computed 42");
    expect(result.stderr).toContain("Final answer: 42");
    expect(server.chatRequests).toHaveLength(2);
    expect(server.chatRequests[0]!.stream).toBe(true);
    expect(JSON.stringify(server.chatRequests[1]!.messages)).toContain("computed 42");
  });

  it("runs a ToolCallingAgent with a toolkit tool and --output json", async () => {
    await using server = await startFakeOpenAIServer({
      replies: [
        { toolCalls: [{ name: "python_interpreter", arguments: { code: "print(sum(range(10)))" } }] },
        { toolCalls: [{ name: "final_answer", arguments: { answer: "45" } }] },
      ],
    });
    const result = await runCli(smolagentBin, [
      "Sum the numbers from 0 to 9.",
      ...modelFlags(server.baseURL),
      "--action-type",
      "tool_calling",
      "--tools",
      "python_interpreter",
      "--output",
      "json",
    ]);

    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ status: "answered", actionType: "tool_calling", steps: 2 });
    const first = server.chatRequests[0]!;
    expect(first.tools.map((entry: { function: { name: string } }) => entry.function.name)).toEqual([
      "python_interpreter",
      "final_answer",
    ]);
    // The tool really ran: its output is the observation the model read next.
    expect(JSON.stringify(server.chatRequests[1]!.messages)).toContain("45");
  });

  it("prints plain live output (no colours, no spinner) when stdout is not a terminal", async () => {
    await using server = await startFakeOpenAIServer({ replies: codeReplies, apiKey: "sk-fake" });
    const result = await runCli(smolagentBin, ["What is 6 times 7?", ...modelFlags(server.baseURL)]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Model: OpenAIModel gpt-4o");
    expect(result.stdout).toMatch(/New run/);
    expect(result.stdout).toContain("Executing parsed code:");
    expect(result.stdout).toContain("answer = 6 * 7");
    expect(result.stdout).toContain("Execution logs:\ncomputed 42");
    expect(result.stdout).toMatch(
      /\[Step 1: Duration \d+\.\d\d seconds \| Input tokens: [\d,]+ \| Output tokens: \d+\]/,
    );
    expect(result.stdout).toContain("Final answer: 42");
    // The streamed thought came before the code panel.
    expect(result.stdout.indexOf("Thought: I compute it in Python.")).toBeLessThan(
      result.stdout.indexOf("Executing parsed code:"),
    );
    expect(result.stdout).not.toContain("\u001b[");
    expect(result.stderr).toBe("");
  });

  it("asks for a whole reply with --no-stream", async () => {
    await using server = await startFakeOpenAIServer({ replies: codeReplies, apiKey: "sk-fake" });
    const result = await runCli(smolagentBin, ["6 times 7?", ...modelFlags(server.baseURL), "--no-stream"]);
    expect(result.code, result.stderr).toBe(0);
    expect(server.chatRequests[0]!.stream).not.toBe(true);
  });

  it("prints only the answer with --verbosity-level off", async () => {
    await using server = await startFakeOpenAIServer({ replies: codeReplies, apiKey: "sk-fake" });
    const result = await runCli(smolagentBin, [
      "6 times 7?",
      ...modelFlags(server.baseURL),
      "--verbosity-level",
      "off",
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("42\n");
  });

  it("passes --imports to the prompt and the sandbox, and runs on --executor python", async () => {
    await using server = await startFakeOpenAIServer({
      replies: [
        "<code>\nimport unicodedata, csv\nprint(csv.__name__)\n</code>",
        "<code>\nfinal_answer('ok')\n</code>",
      ],
    });
    const result = await runCli(smolagentBin, [
      "Import csv.",
      ...modelFlags(server.baseURL),
      "--imports",
      "csv",
      "--executor",
      "python",
      "--output",
      "json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(systemPrompt(server.chatRequests[0]!)).toMatch(/csv/);
    expect(JSON.stringify(server.chatRequests[1]!.messages)).toContain("Execution logs:\\ncsv");
  });

  it("answers from memory at --max-steps and says so in the summary", async () => {
    await using server = await startFakeOpenAIServer({
      replies: ["<code>\nprint('still thinking')\n</code>", "My best answer: 41."],
    });
    const result = await runCli(smolagentBin, [
      "Think.",
      ...modelFlags(server.baseURL),
      "--max-steps",
      "1",
      "--executor",
      "python",
      "--output",
      "json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: "answered",
      state: "max_steps_error",
      output: "My best answer: 41.",
    });
  });

  it("reads smol.config.json and a .env file; flags win over the file", async () => {
    await using server = await startFakeOpenAIServer({ replies: codeReplies, apiKey: "sk-from-env-file" });
    const directory = mkdtempSync(join(tmpdir(), "smol-cli-config-"));
    writeFileSync(
      join(directory, "smol.config.json"),
      JSON.stringify({
        modelType: "OpenAIModel",
        modelId: "from-config",
        apiBase: server.baseURL,
        executor: "python",
        maxSteps: 5,
        output: "json",
        modelOptions: { temperature: 0.25 },
      }),
    );
    writeFileSync(join(directory, ".env"), "# keys\nOPENAI_API_KEY='sk-from-env-file'\n");
    const result = await runCli(smolagentBin, ["6 times 7?", "--model-id", "from-flag"], { cwd: directory });

    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ output: 42, model: { id: "from-flag" } });
    expect(server.chatRequests[0]!.model).toBe("from-flag");
    expect(server.chatRequests[0]!.temperature).toBe(0.25);
  });

  it("picks the model from the environment when no model flag is given", async () => {
    await using server = await startFakeOpenAIServer({ replies: codeReplies, apiKey: "sk-env" });
    const result = await runCli(smolagentBin, ["6 times 7?", "--executor", "python"], {
      env: cleanEnvironment({ OPENAI_API_KEY: "sk-env", OPENAI_BASE_URL: server.baseURL }),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Model: OpenAIModel gpt-4o — OPENAI_API_KEY is set");
    expect(result.stdout).toContain("Final answer: 42");
  });

  it("prints its help and version", async () => {
    const help = await runCli(smolagentBin, ["--help"]);
    expect(help.code).toBe(0);
    for (const flag of [
      "--model-type",
      "--model-id",
      "--provider",
      "--api-base",
      "--api-key",
      "--action-type",
      "--imports",
      "--tools",
      "--executor",
      "--max-steps",
      "--verbosity-level",
      "--no-stream",
      "--output",
    ]) {
      expect(help.stdout).toContain(flag);
    }
    expect(help.stdout).toContain("InferenceClientModel");
    expect(help.stdout).toContain("mcp:stdio:<command>");
    const version = await runCli(smolagentBin, ["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
