/**
 * Every kind of bad input gives one clear line and the right exit code, with no stack trace
 * unless `--verbosity-level debug`.
 */
import { createServer } from "node:net";
import { startFakeOpenAIServer } from "@smol/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { type CliResult, ensureBuilt, runCli, smolagentBin } from "./__tests__/built-cli.js";

beforeAll(() => ensureBuilt(), 900_000);

/** The one line the command printed on stderr, checked to be alone and without a stack trace. */
function errorLine(result: CliResult): string {
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(lines[0]).toMatch(/^smolagent: /);
  return lines[0]!;
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const fakeModel = [
  "--model-type",
  "OpenAIModel",
  "--api-base",
  "http://127.0.0.1:9/v1",
  "--api-key",
  "sk-fake",
];

describe("bad usage: exit code 2", () => {
  it("an unknown flag, with a suggestion", async () => {
    const result = await runCli(smolagentBin, ["Hi", "--modle-type", "OpenAIModel"]);
    expect(result.code).toBe(2);
    expect(errorLine(result)).toMatch(/unknown option '--modle-type'.*--model-type/);
  });

  it("an unknown tool, with a suggestion and the list", async () => {
    const result = await runCli(smolagentBin, ["Hi", ...fakeModel, "--tools", "web_serch"]);
    expect(result.code).toBe(2);
    const line = errorLine(result);
    expect(line).toContain('unknown tool "web_serch" (did you mean "web_search"?)');
    expect(line).toContain("visit_webpage");
  });

  it("an unknown model type", async () => {
    const result = await runCli(smolagentBin, ["Hi", "--model-type", "OpenAIModle"]);
    expect(result.code).toBe(2);
    expect(errorLine(result)).toContain('Unknown model type "OpenAIModle" (did you mean "OpenAIModel"?)');
  });

  it.each([
    [["--action-type", "python"], "unknown action type"],
    [["--executor", "kubernetes"], "unknown executor"],
    [["--max-steps", "zero"], "max steps must be a whole number"],
    [["--verbosity-level", "loud"], "unknown verbosity level"],
    [["--output", "yaml"], "unknown output format"],
    [["--imports", "numpy; rm -rf /"], "is not a module name"],
    [["--tools", "mcp:ftp://example.org"], "is not an MCP server"],
  ])("a bad value: %j", async (flags, message) => {
    const result = await runCli(smolagentBin, ["Hi", ...fakeModel, ...flags]);
    expect(result.code).toBe(2);
    expect(errorLine(result)).toContain(message);
  });

  it("no prompt when stdin is not a terminal (no interactive mode possible)", async () => {
    const result = await runCli(smolagentBin, [...fakeModel]);
    expect(result.code).toBe(2);
    expect(errorLine(result)).toContain("no task given");
  });

  it("a model type that needs a model id", async () => {
    const result = await runCli(smolagentBin, ["Hi", "--model-type", "OllamaModel"]);
    expect(result.code).toBe(2);
    expect(errorLine(result)).toContain("OllamaModel needs --model-id");
  });
});

describe("failures: exit code 1", () => {
  it("a bad API key: the server's 401, in one line", async () => {
    await using server = await startFakeOpenAIServer({ replies: ["unused"], apiKey: "sk-right" });
    const result = await runCli(smolagentBin, [
      "Hi",
      "--model-type",
      "OpenAIModel",
      "--api-base",
      server.baseURL,
      "--api-key",
      "sk-wrong",
    ]);
    expect(result.code).toBe(1);
    const line = errorLine(result);
    expect(line).toContain(`The model server at ${server.baseURL} refused the API key (HTTP 401)`);
    expect(line).toContain("Check --api-key or OPENAI_API_KEY.");
    // 401 is not worth retrying: one request.
    expect(server.requests).toHaveLength(1);
  });

  it("a bad API key with --verbosity-level debug shows the stack and causes", async () => {
    await using server = await startFakeOpenAIServer({ replies: ["unused"], apiKey: "sk-right" });
    const result = await runCli(smolagentBin, [
      "Hi",
      "--model-type",
      "OpenAIModel",
      "--api-base",
      server.baseURL,
      "--api-key",
      "sk-wrong",
      "--verbosity-level",
      "debug",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^\s+at /m);
    expect(result.stderr).toContain("Caused by: ModelApiError");
  });

  it("an unreachable server, in one line, also in the JSON summary", async () => {
    const base = `http://127.0.0.1:${await closedPort()}/v1`;
    const result = await runCli(smolagentBin, [
      "Hi",
      "--model-type",
      "OpenAIModel",
      "--api-base",
      base,
      "--api-key",
      "sk-fake",
      "--output",
      "json",
    ]);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.status).toBe("failed");
    expect(summary.error.message).toContain(`Could not reach the model server at ${base} (ECONNREFUSED)`);
    const line = result.stderr.trimEnd().split("\n").at(-1)!;
    expect(line).toMatch(/^smolagent: Could not reach the model server/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);
});
