import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AgentToolCallError,
  aggregateStreamDeltas,
  type ChatMessageStreamDelta,
  type GenerateOptions,
  ModelConfigurationError,
  messageText,
  REMOVE_PARAMETER,
  type ToolSpec,
} from "@smol/core";
import { parseToolCallArguments } from "@smol/core/provider-kit";
import { getLlama, type Llama } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LlamaCppModel, type LlamaCppModelOptions } from "./index.js";
import { writeTinyLlamaGguf } from "./test-support/tiny-gguf.js";

// The model is a tiny llama with random weights, generated here: what it writes is noise, so the
// tests check what llama.cpp guarantees whatever the weights (grammars, stop triggers, limits).

const weatherTool: ToolSpec = {
  name: "get_weather",
  description: "The weather in a city.",
  parameters: {
    type: "object",
    properties: {
      city: { type: "string", enum: ["Paris", "Tokyo", "Lima"], description: "The city." },
      metric: { type: "boolean", description: "Celsius or not." },
      note: { type: ["string", "null"], maxLength: 6, description: "A short note." },
    },
    required: ["city", "metric"],
    additionalProperties: false,
  },
};
const unitTool: ToolSpec = {
  name: "convert_unit",
  description: "Converts a unit.",
  parameters: {
    type: "object",
    properties: { unit: { type: "string", enum: ["km", "mi"] }, exact: { type: "boolean" } },
    required: ["unit", "exact"],
    additionalProperties: false,
  },
};
const forcedText = 'root ::= "Thought: ok\\nObservation: leaked"';

let directory: string;
let modelPath: string;
let llama: Llama;
const models: LlamaCppModel[] = [];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "smol-llamacpp-"));
  modelPath = await writeTinyLlamaGguf(join(directory, "tiny-llama.gguf"));
  // One llama.cpp for the file: starting it checks its binary in a subprocess, a few seconds.
  llama = await getLlama({ gpu: false, build: "never" });
});

afterAll(async () => {
  for (const model of models) await model.dispose();
  await llama?.dispose();
  await rm(directory, { recursive: true, force: true });
});

function tinyModel(options: Partial<LlamaCppModelOptions> = {}): LlamaCppModel {
  const model = new LlamaCppModel({
    modelPath,
    llama,
    threads: 1,
    contextSize: 512,
    maxTokens: 300,
    ...options,
  });
  models.push(model);
  return model;
}

async function stream(model: LlamaCppModel, prompt: string, options: GenerateOptions = {}) {
  const deltas: ChatMessageStreamDelta[] = [];
  for await (const delta of model.generateStream([{ role: "user", content: prompt }], options))
    deltas.push(delta);
  return { deltas, message: aggregateStreamDeltas(deltas) };
}

function checkWeatherArguments(argumentsValue: Record<string, unknown>): void {
  expect(Object.keys(argumentsValue).every((key) => ["city", "metric", "note"].includes(key))).toBe(true);
  expect(["Paris", "Tokyo", "Lima"]).toContain(argumentsValue.city);
  expect(typeof argumentsValue.metric).toBe("boolean");
  if (argumentsValue.note !== undefined && argumentsValue.note !== null) {
    expect(typeof argumentsValue.note).toBe("string");
    expect(
      [...(argumentsValue.note as string)].length,
      JSON.stringify(argumentsValue.note),
    ).toBeLessThanOrEqual(6);
  }
}

describe("LlamaCppModel on a generated GGUF model", () => {
  it("constrains tool calls to the tools' schemas: every sampled call parses and validates", async () => {
    const model = tinyModel({ temperature: 1 });
    const prompts = ["Weather in Paris?", "Convert 3 km", "Hello", "Tokyo, metric please", "What now?"];
    for (const [index, prompt] of prompts.entries()) {
      const reply = await model.generate(
        [
          { role: "system", content: "You call tools." },
          { role: "user", content: prompt },
        ],
        {
          toolsToCallFrom: [weatherTool, unitTool],
          toolChoice: "required",
        },
      );
      expect(reply.toolCalls, `prompt ${index}: ${JSON.stringify(reply)}`).toHaveLength(1);
      const call = reply.toolCalls![0]!;
      expect(call.id).toMatch(/^call_/);
      const argumentsValue = parseToolCallArguments(call.function.arguments, call.function.name);
      if (call.function.name === "get_weather") checkWeatherArguments(argumentsValue);
      else {
        expect(call.function.name).toBe("convert_unit");
        expect(["km", "mi"]).toContain(argumentsValue.unit);
        expect(typeof argumentsValue.exact).toBe("boolean");
      }
      expect(reply.tokenUsage?.outputTokens).toBeGreaterThan(0);
    }
  });

  it("calls the tool a named toolChoice asks for, streamed as one tool-call delta", async () => {
    const model = tinyModel({ temperature: 1, seed: 3 });
    const { message } = await stream(model, "Weather?", {
      toolsToCallFrom: [weatherTool, unitTool],
      toolChoice: { name: "get_weather" },
    });
    expect(message.toolCalls?.[0]?.function.name).toBe("get_weather");
    checkWeatherArguments(parseToolCallArguments(message.toolCalls![0]!.function.arguments));
  });

  it("hands a tool call cut by maxTokens to the agent, whose parser explains it", async () => {
    const reply = await tinyModel({ maxTokens: 20 }).generate([{ role: "user", content: "Weather?" }], {
      toolsToCallFrom: [weatherTool],
    });
    const call = reply.toolCalls?.[0];
    expect(call?.function.name).toBe("get_weather");
    expect(() => parseToolCallArguments(call!.function.arguments, "get_weather")).toThrow(AgentToolCallError);
  });

  it("writes structured output that follows the responseFormat schema", async () => {
    const schema = {
      type: "object",
      properties: { answer: { type: "boolean" }, unit: { type: "string", enum: ["km", "mi"] } },
      required: ["answer", "unit"],
      additionalProperties: false,
    };
    const reply = await tinyModel({ temperature: 1, seed: 11 }).generate(
      [{ role: "user", content: "Answer" }],
      {
        responseFormat: { type: "json_schema", jsonSchema: { name: "answer", schema } },
      },
    );
    const parsed = JSON.parse(messageText(reply));
    expect(typeof parsed.answer).toBe("boolean");
    expect(["km", "mi"]).toContain(parsed.unit);
  });

  it("stops at a stop sequence and leaves it out, in generate and in streams", async () => {
    const model = tinyModel({ grammar: forcedText });
    const reply = await model.generate([{ role: "user", content: "Go" }], {
      stopSequences: ["Observation:"],
    });
    expect(reply.content).toBe("Thought: ok\n");
    expect(reply.raw).toEqual({ stopReason: "customStopTrigger" });
    const { deltas, message } = await stream(model, "Go", { stopSequences: ["Observation:"] });
    expect(message.content).toBe("Thought: ok\n");
    expect(deltas.filter((delta) => delta.content).length).toBeGreaterThan(3);
    expect(deltas.every((delta) => delta.content !== "")).toBe(true);
    expect(message.tokenUsage?.outputTokens).toBeGreaterThan(0);
  });

  it("with stop: REMOVE_PARAMETER generates past the stop sequence and cuts the text itself", async () => {
    const model = tinyModel({ grammar: forcedText, stop: REMOVE_PARAMETER });
    const reply = await model.generate([{ role: "user", content: "Go" }], {
      stopSequences: ["Observation:"],
    });
    expect(reply.content).toBe("Thought: ok\n");
    expect(reply.raw).toEqual({ stopReason: "eogToken" });
  });

  it("stops after maxTokens of free text", async () => {
    const reply = await tinyModel({ maxTokens: 6, temperature: 0.8 }).generate([
      { role: "user", content: "Hi" },
    ]);
    expect(reply.raw).toEqual({ stopReason: "maxTokens" });
    expect(reply.tokenUsage?.outputTokens).toBe(6);
  });

  it("queues concurrent calls on its one context sequence", async () => {
    const model = tinyModel({ grammar: forcedText });
    const replies = await Promise.all(
      ["a", "b", "c"].map((prompt) =>
        model.generate([{ role: "user", content: prompt }], { stopSequences: ["Observation:"] }),
      ),
    );
    expect(replies.map((reply) => reply.content)).toEqual([
      "Thought: ok\n",
      "Thought: ok\n",
      "Thought: ok\n",
    ]);
  });

  it("stops generating when the caller aborts or stops reading, and stays usable", async () => {
    const model = tinyModel({ maxTokens: 400, temperature: 1, contextSize: 512 });
    const controller = new AbortController();
    const pieces: string[] = [];
    const aborted = (async () => {
      for await (const delta of model.generateStream([{ role: "user", content: "Go on" }], {
        signal: controller.signal,
      })) {
        pieces.push(delta.content ?? "");
        if (pieces.length === 3) controller.abort();
      }
    })();
    await expect(aborted).rejects.toThrow();
    expect(pieces.length).toBeLessThan(10);
    for await (const _delta of model.generateStream([{ role: "user", content: "Again" }])) break;
    const after = await tinyModel({ grammar: forcedText }).generate([{ role: "user", content: "x" }], {
      stopSequences: ["Observation:"],
    });
    expect(after.content).toBe("Thought: ok\n");
  });

  it("saves and restores itself", () => {
    const model = tinyModel({ temperature: 0.3 });
    const saved = model.toDict();
    expect(saved).toMatchObject({
      class: "LlamaCppModel",
      modelId: "tiny-llama.gguf",
      modelPath,
      threads: 1,
      contextSize: 512,
      temperature: 0.3,
    });
    expect(LlamaCppModel.fromDict(JSON.parse(JSON.stringify(saved))).toDict()).toEqual(saved);
  });
});

describe("LlamaCppModel configuration errors", () => {
  it("needs exactly one of modelPath and modelUri, and known generation options", () => {
    expect(() => new LlamaCppModel({})).toThrow(ModelConfigurationError);
    expect(() => new LlamaCppModel({ modelPath: "a.gguf", modelUri: "hf:a/b:Q4_K_M" })).toThrow(
      ModelConfigurationError,
    );
    expect(() => new LlamaCppModel({ modelPath: "a.gguf", frequency_penalty: 1 })).toThrow(
      /not a generation option/,
    );
    expect(() => new LlamaCppModel({ modelPath: "a.gguf", threads: -1 })).toThrow(/threads/);
  });

  it("says when the GGUF file is missing or is not a model", async () => {
    const missing = new LlamaCppModel({ modelPath: join(directory, "absent.gguf"), llama });
    await expect(missing.generate([{ role: "user", content: "Hi" }])).rejects.toThrow(
      /No GGUF model file at/,
    );
    const notAModel = join(directory, "notes.gguf");
    await import("node:fs/promises").then(({ writeFile }) => writeFile(notAModel, "not a model"));
    const broken = new LlamaCppModel({ modelPath: notAModel, llama });
    const error = await broken.generate([{ role: "user", content: "Hi" }]).catch((caught: unknown) => caught);
    expect(ModelConfigurationError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/could not load the model/);
  });

  it("fails clearly when a model must be downloaded and there is no network (this machine has none)", async () => {
    const model = new LlamaCppModel({
      modelUri: "hf:bartowski/SmolLM2-135M-Instruct-GGUF:Q4_K_M",
      cacheDirectory: join(directory, "cache"),
      llama,
      onDownloadProgress: () => {},
    });
    const error = await model.generate([{ role: "user", content: "Hi" }]).catch((caught: unknown) => caught);
    expect(ModelConfigurationError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /Could not get the model hf:bartowski\/SmolLM2-135M-Instruct-GGUF:Q4_K_M.*network.*modelPath/s,
    );
  });

  it("refuses calls after dispose", async () => {
    const model = new LlamaCppModel({ modelPath, llama, threads: 1, contextSize: 256, maxTokens: 2 });
    await model.generate([{ role: "user", content: "Hi" }]);
    await model.dispose();
    await expect(model.generate([{ role: "user", content: "Hi" }])).rejects.toThrow(/was disposed/);
  });
});
