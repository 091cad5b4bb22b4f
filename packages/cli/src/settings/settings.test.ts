import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModelApiError } from "@smol/core";
import { describe, expect, it } from "vitest";
import { CliUsageError } from "../errors.js";
import { chooseModel } from "../models/choose-model.js";
import { describeError, exitCodeFor } from "../output/describe-error.js";
import { ProgressBar } from "../output/progress-bar.js";
import { parseToolSpecs, splitCommandLine } from "../tools/tool-specs.js";
import { readConfigFile } from "./config-file.js";
import { loadEnvFile, parseEnvFile } from "./env-file.js";
import { mergeSettings, parseImports, parseVerbosityLevel } from "./settings.js";

describe("environment files", () => {
  it("reads KEY=value lines, quotes, export and comments", () => {
    expect(
      parseEnvFile(
        [
          "# keys",
          "OPENAI_API_KEY=sk-1 # trailing comment",
          'export HF_TOKEN="hf_\\"quoted\\"\\nline"',
          "SINGLE='kept as # written'",
          "",
          "EMPTY=",
        ].join("\n"),
      ),
    ).toEqual({
      OPENAI_API_KEY: "sk-1",
      HF_TOKEN: 'hf_"quoted"\nline',
      SINGLE: "kept as # written",
      EMPTY: "",
    });
  });

  it("rejects a line that is not an assignment, naming the line", () => {
    expect(() => parseEnvFile("A=1\nnot an assignment", "/x/.env")).toThrow(/\/x\/\.env, line 2/);
  });

  it("never overrides what the shell set", () => {
    const directory = mkdtempSync(join(tmpdir(), "smol-env-"));
    writeFileSync(join(directory, ".env"), "A=from-file\nB=from-file\n");
    const environment: NodeJS.ProcessEnv = { A: "from-shell" };
    expect(loadEnvFile(undefined, directory, environment)).toEqual(["B"]);
    expect(environment).toEqual({ A: "from-shell", B: "from-file" });
    expect(() => loadEnvFile("missing.env", directory, environment)).toThrow(CliUsageError);
  });
});

describe("config file", () => {
  it("reads the flags' names, and refuses an unknown key", () => {
    const directory = mkdtempSync(join(tmpdir(), "smol-config-"));
    writeFileSync(
      join(directory, "smol.config.json"),
      JSON.stringify({
        modelType: "OpenAIModel",
        imports: "pandas numpy",
        maxSteps: 4,
        tools: ["web_search"],
      }),
    );
    expect(readConfigFile(undefined, directory)?.settings).toEqual({
      modelType: "OpenAIModel",
      imports: ["pandas", "numpy"],
      maxSteps: 4,
      tools: ["web_search"],
    });
    writeFileSync(join(directory, "typo.json"), JSON.stringify({ modelTipe: "OpenAIModel" }));
    expect(() => readConfigFile("typo.json", directory)).toThrow(/unknown key "modelTipe"/);
  });

  it("lets later sources win, and undefined keep the earlier value", () => {
    const merged = mergeSettings(
      { modelId: "config", maxSteps: 3 },
      { modelId: "flag", maxSteps: undefined },
    );
    expect(merged).toMatchObject({ modelId: "flag", maxSteps: 3, actionType: "code", executor: "local" });
  });
});

describe("flag values", () => {
  it("reads imports separated by spaces or commas", () => {
    expect(parseImports(["pandas numpy", "numpy.*,re"], "--imports")).toEqual([
      "pandas",
      "numpy",
      "numpy.*",
      "re",
    ]);
    expect(() => parseImports("os; rm", "--imports")).toThrow(CliUsageError);
  });

  it("reads verbosity names and numbers", () => {
    expect(parseVerbosityLevel("debug", "x")).toBe(2);
    expect(parseVerbosityLevel("-1", "x")).toBe(-1);
    expect(() => parseVerbosityLevel("3", "x")).toThrow(/unknown verbosity level/);
  });

  it("reads toolkit names and MCP servers", () => {
    expect(
      parseToolSpecs(
        [
          "web_search, visit_webpage web_search",
          'mcp:stdio:npx -y "@scope/server" --root "/tmp/my dir"',
          "mcp:https://example.org/mcp",
          "mcp:sse:http://127.0.0.1:3000/sse",
        ],
        "--tools",
      ),
    ).toEqual([
      { kind: "toolkit", name: "web_search" },
      { kind: "toolkit", name: "visit_webpage" },
      {
        kind: "mcp",
        server: {
          transport: "stdio",
          command: "npx",
          args: ["-y", "@scope/server", "--root", "/tmp/my dir"],
        },
        text: 'mcp:stdio:npx -y "@scope/server" --root "/tmp/my dir"',
      },
      {
        kind: "mcp",
        server: { transport: "streamable-http", url: "https://example.org/mcp" },
        text: "mcp:https://example.org/mcp",
      },
      {
        kind: "mcp",
        server: { transport: "sse", url: "http://127.0.0.1:3000/sse" },
        text: "mcp:sse:http://127.0.0.1:3000/sse",
      },
    ]);
    expect(() => splitCommandLine('node "unclosed', "--tools")).toThrow(/unclosed "/);
    expect(() => parseToolSpecs(["mcp:stdio:"], "--tools")).toThrow(/names no command/);
  });
});

describe("model choice", () => {
  const settings = mergeSettings();
  const noOllama = async () => undefined;

  it("follows the order: HF_TOKEN, OPENAI_API_KEY, ANTHROPIC_API_KEY, Ollama, the embedded default", async () => {
    const pick = async (environment: NodeJS.ProcessEnv, ollama: string[] | undefined = undefined) =>
      (await chooseModel(settings, { environment, probeOllama: async () => ollama })).entry.className;
    expect(await pick({ HF_TOKEN: "h", OPENAI_API_KEY: "o" })).toBe("InferenceClientModel");
    expect(await pick({ OPENAI_API_KEY: "o", ANTHROPIC_API_KEY: "a" })).toBe("OpenAIModel");
    expect(await pick({ ANTHROPIC_API_KEY: "a" }, ["llama3.2"])).toBe("AnthropicModel");
    expect(await pick({}, ["llama3.2"])).toBe("OllamaModel");
    expect(await pick({}, [])).toBe("LlamaCppModel");
  });

  it("takes --api-base alone as an OpenAI-compatible server, and a .gguf id as a local file", async () => {
    const viaBase = await chooseModel(mergeSettings({ apiBase: "http://127.0.0.1:8000/v1" }), {
      environment: { HF_TOKEN: "h" },
      probeOllama: noOllama,
    });
    expect(viaBase.entry.className).toBe("OpenAIModel");
    expect(viaBase.flags.modelId).toBe("gpt-4o");
    const viaFile = await chooseModel(mergeSettings({ modelId: "/models/x.gguf" }), {
      environment: {},
      probeOllama: noOllama,
    });
    expect(viaFile.entry.toOptions(viaFile.flags)).toEqual({ modelPath: "/models/x.gguf" });
  });

  it("accepts smolagents' OpenAIServerModel, any case", async () => {
    const choice = await chooseModel(mergeSettings({ modelType: "openaiservermodel" }), {
      environment: {},
      probeOllama: noOllama,
    });
    expect(choice.entry.className).toBe("OpenAIModel");
  });
});

describe("error lines", () => {
  it("words a 401 and a network failure for the user, with the flag to fix", () => {
    const unauthorized = new ModelApiError(
      "OpenAI API error: 401 Incorrect API key. Check `apiKey` and `apiBase`.",
      {
        statusCode: 401,
      },
    );
    expect(describeError(unauthorized, { apiBase: "http://h/v1", apiKeyVariable: "OPENAI_API_KEY" })).toBe(
      "The model server at http://h/v1 refused the API key (HTTP 401): OpenAI API error: 401 Incorrect API key. Check --api-key or OPENAI_API_KEY.",
    );
    const refused = new ModelApiError("Could not reach the OpenAI API.", {
      cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
    });
    expect(describeError(refused)).toMatch(/^Could not reach the model server \(ECONNREFUSED\)/);
    expect(exitCodeFor(new CliUsageError("x"))).toBe(2);
    expect(exitCodeFor(refused)).toBe(1);
  });
});

describe("progress bar", () => {
  it("prints a line per quarter when not on a terminal", () => {
    const lines: string[] = [];
    const bar = new ProgressBar("Model", (text) => lines.push(text), false);
    for (let received = 0; received <= 1000; received += 100) bar.update(received, 1000);
    bar.finish();
    expect(lines.map((line) => line.trim().replace(/\[.*\]/, "[bar]"))).toEqual([
      "Model [bar]   0% 0 B / 1.0 KB",
      "Model [bar]  30% 300 B / 1.0 KB",
      "Model [bar]  50% 500 B / 1.0 KB",
      "Model [bar]  80% 800 B / 1.0 KB",
      "Model [bar] 100% 1.0 KB / 1.0 KB",
    ]);
  });
});
