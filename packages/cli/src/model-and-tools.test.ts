/**
 * How `smolagent` finds its model (environment, local Ollama, the embedded default downloaded
 * once) and loads MCP tools, through the built command.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeOllamaServer, startFakeOpenAIServer } from "@smol/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { cleanEnvironment, cliRoot, ensureBuilt, runCli, smolagentBin } from "./__tests__/built-cli.js";

beforeAll(() => ensureBuilt(), 900_000);

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const mcpServer = join(cliRoot, "src", "__tests__", "fixtures", "mcp-add-server.mjs");

describe("model resolution with no model flag", () => {
  it("uses a local Ollama server and its first model", async () => {
    await using ollama = await startFakeOllamaServer({
      models: ["qwen2.5-coder:7b"],
      replies: ["<code>\nfinal_answer(2 + 2)\n</code>"],
    });
    const result = await runCli(smolagentBin, ["2 + 2?", "--executor", "python", "--output", "json"], {
      env: cleanEnvironment({ OLLAMA_HOST: ollama.url }),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: "answered",
      output: 4,
      model: { type: "OllamaModel", id: "qwen2.5-coder:7b" },
    });
    expect(result.stderr).toContain("an Ollama server answers");
    expect(ollama.chatRequests).toHaveLength(1);
  });

  it("prefers HF_TOKEN (InferenceClientModel), here pointed at a local server through modelOptions", async () => {
    await using server = await startFakeOpenAIServer({ replies: ["<code>\nfinal_answer('hf')\n</code>"] });
    const directory = mkdtempSync(join(tmpdir(), "smol-cli-hf-"));
    writeFileSync(
      join(directory, "smol.config.json"),
      JSON.stringify({ modelOptions: { baseUrl: server.baseURL } }),
    );
    const result = await runCli(smolagentBin, ["Hi", "--executor", "python", "--output", "json"], {
      cwd: directory,
      env: cleanEnvironment({ HF_TOKEN: "hf_fake", OPENAI_API_KEY: "sk-not-this-one" }),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      output: "hf",
      model: { type: "InferenceClientModel" },
    });
    expect(result.stderr).toContain("HF_TOKEN is set");
    expect(server.requests[0]!.headers.authorization).toBe("Bearer hf_fake");
  });

  it("downloads the embedded default model once, with progress, into the cache", async () => {
    const cache = mkdtempSync(join(tmpdir(), "smol-cli-cache-"));
    const fakeModelBytes = Buffer.alloc(64 * 1024, 7);
    let downloads = 0;
    const server = createServer((_request, response) => {
      downloads += 1;
      response.writeHead(200, {
        "content-length": fakeModelBytes.length,
        "content-type": "application/octet-stream",
      });
      response.end(fakeModelBytes);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const env = cleanEnvironment({
      SMOL_CACHE_DIR: cache,
      SMOL_DEFAULT_MODEL_URL: `http://127.0.0.1:${port}/model.gguf`,
    });
    try {
      const first = await runCli(smolagentBin, ["Hi", "--executor", "python"], { env });
      const modelFile = join(cache, "models", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf");
      expect(first.stdout).toContain(`Downloading the default model, once, into ${modelFile}`);
      expect(first.stderr).toContain("Default model [##############################] 100% 65.5 KB / 65.5 KB");
      expect(readFileSync(modelFile).equals(fakeModelBytes)).toBe(true);
      expect(existsSync(`${modelFile}.part`)).toBe(false);
      expect(first.stdout).toContain(`Model: LlamaCppModel ${modelFile}`);
      // These bytes are no model: the run fails at loading them, after the download.
      expect(first.code).toBe(1);

      const second = await runCli(smolagentBin, ["Hi", "--executor", "python"], { env });
      expect(second.stdout).not.toContain("Downloading");
      expect(second.stdout).toContain(`Model: LlamaCppModel ${modelFile}`);
      expect(downloads).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 120_000);

  it("offline with nothing cached, lists the ways to point smol at a model", async () => {
    const cache = mkdtempSync(join(tmpdir(), "smol-cli-cache-"));
    const result = await runCli(smolagentBin, ["Hi"], {
      env: cleanEnvironment({
        SMOL_CACHE_DIR: cache,
        SMOL_DEFAULT_MODEL_URL: `http://127.0.0.1:${await closedPort()}/model.gguf`,
      }),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "smolagent: No model is configured, and the default model could not be downloaded",
    );
    expect(result.stderr).toContain("ECONNREFUSED");
    for (const way of [
      "HF_TOKEN",
      "OPENAI_API_KEY",
      "ANTHROPIC_API_KEY",
      "--api-base",
      "Ollama",
      "LlamaCppModel",
    ]) {
      expect(result.stderr).toContain(way);
    }
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

describe("MCP tools", () => {
  it("gives a CodeAgent the tools of a stdio MCP server, callable from its Python", async () => {
    await using server = await startFakeOpenAIServer({
      replies: [
        "<code>\nresult = add_numbers(a=2, b=40)\nprint(result)\n</code>",
        "<code>\nfinal_answer(result)\n</code>",
      ],
    });
    const result = await runCli(smolagentBin, [
      "Add 2 and 40.",
      "--model-type",
      "OpenAIModel",
      "--api-base",
      server.baseURL,
      "--api-key",
      "sk-fake",
      "--tools",
      `mcp:stdio:node ${mcpServer}`,
      "--output",
      "json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: "answered", output: "The sum is 42." });
    expect(String(server.chatRequests[0]!.messages[0].content)).toContain("def add_numbers(");
  });

  it("says which MCP server could not start", async () => {
    const result = await runCli(smolagentBin, [
      "Hi",
      "--model-type",
      "OpenAIModel",
      "--api-base",
      "http://127.0.0.1:9/v1",
      "--api-key",
      "sk-fake",
      "--tools",
      "mcp:stdio:/nonexistent/mcp-server --flag",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^smolagent: Could not load the tools of the MCP server "mcp:stdio:\/nonexistent\/mcp-server --flag"/,
    );
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});
