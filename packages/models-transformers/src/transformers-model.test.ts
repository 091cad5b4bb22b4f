import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  aggregateStreamDeltas,
  type ChatMessageStreamDelta,
  type GenerateOptions,
  ModelConfigurationError,
  REMOVE_PARAMETER,
} from "@smol/core";
import { parseToolCallArguments } from "@smol/core/provider-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TransformersModel, type TransformersModelOptions } from "./index.js";
import type { TransformersLoadProgress } from "./progress-bar.js";
import { type ScriptedPipeline, scriptedPipeline } from "./test-support/scripted-pipeline.js";

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "smol-transformers-"));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function modelWith(reply: string, options: Partial<TransformersModelOptions> = {}) {
  const pipeline = await scriptedPipeline(() => reply);
  const model = new TransformersModel({ modelId: "test/scripted", pipeline, ...options });
  return { model, pipeline };
}

async function stream(model: TransformersModel, prompt: string, options: GenerateOptions = {}) {
  const deltas: ChatMessageStreamDelta[] = [];
  for await (const delta of model.generateStream([{ role: "user", content: prompt }], options))
    deltas.push(delta);
  return { deltas, message: aggregateStreamDeltas(deltas) };
}

function lastCall(pipeline: ScriptedPipeline) {
  const call = pipeline.calls.at(-1);
  if (!call) throw new Error("the pipeline was not called");
  return call;
}

describe("TransformersModel loading a model from the Hub (real loading code, offline machine)", () => {
  it("fails with a clear error when the model is neither cached nor downloadable", async () => {
    const progress: TransformersLoadProgress[] = [];
    const model = new TransformersModel({
      modelId: "onnx-community/Qwen2.5-0.5B-Instruct",
      dtype: "q4",
      cacheDirectory: join(directory, "cache"),
      onProgress: (event) => progress.push(event),
    });
    const error = await model.generate([{ role: "user", content: "Hi" }]).catch((caught: unknown) => caught);
    expect(ModelConfigurationError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /Could not load onnx-community\/Qwen2\.5-0\.5B-Instruct with Transformers\.js: .*needs the network.*cache/s,
    );
    expect((error as Error).message).toContain(join(directory, "cache"));
    expect(progress.some((event) => event.status === "ready")).toBe(false);
  });

  it("with localFilesOnly, never reaches for the network and says the model must be cached", async () => {
    const model = new TransformersModel({
      modelId: "onnx-community/Qwen2.5-0.5B-Instruct",
      cacheDirectory: join(directory, "empty-cache"),
      localFilesOnly: true,
      onProgress: () => {},
    });
    await expect(model.generate([{ role: "user", content: "Hi" }])).rejects.toThrow(
      /offline, it must be there already/,
    );
  });

  it("needs a model id or a pipeline", () => {
    expect(() => new TransformersModel({})).toThrow(ModelConfigurationError);
    expect(() => new TransformersModel({ modelId: "x", maxNewTokens: 0 })).toThrow(/maxNewTokens/);
  });
});

describe("TransformersModel on a pipeline passed in", () => {
  it("generates through the chat template, with token usage and generation parameters", async () => {
    const { model, pipeline } = await modelWith("The answer is 42.", { temperature: 0.7, do_sample: true });
    const reply = await model.generate([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Question?" },
    ]);
    expect(reply.content).toBe("The answer is 42.");
    const call = lastCall(pipeline);
    expect(call.chat).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Question?" },
    ]);
    expect(call.options).toMatchObject({ max_new_tokens: 4096, temperature: 0.7, do_sample: true });
    expect(call.prompt).toBe(
      "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nQuestion?<|im_end|>\n<|im_start|>assistant\n",
    );
    // One token per byte in this tokenizer, one per special token.
    const specialTokens = call.prompt.match(/<\|im_(start|end)\|>/g)?.length ?? 0;
    const promptTokens =
      Buffer.byteLength(call.prompt.replaceAll(/<\|im_(start|end)\|>/g, "")) + specialTokens;
    expect(reply.tokenUsage).toEqual({ inputTokens: promptTokens, outputTokens: "The answer is 42.".length });
  });

  it("stops generating at a stop sequence and leaves it out", async () => {
    const { model, pipeline } = await modelWith("Thought: easy.\nObservation: leaked and more text after it");
    const reply = await model.generate([{ role: "user", content: "Go" }], {
      stopSequences: ["Observation:"],
    });
    expect(reply.content).toBe("Thought: easy.\n");
    // The stopping criteria ended generation right after the stop sequence.
    expect(lastCall(pipeline).generatedTokens).toBe("Thought: easy.\nObservation:".length);
  });

  it("streams the text through a TextStreamer, cut before the stop sequence", async () => {
    const { model } = await modelWith("Thought: one two three\nObservation: no");
    const { deltas, message } = await stream(model, "Go", { stopSequences: ["Observation:"] });
    expect(message.content).toBe("Thought: one two three\n");
    expect(deltas.filter((delta) => delta.content).length).toBeGreaterThan(2);
    expect(message.tokenUsage?.outputTokens).toBe("Thought: one two three\n".length);
  });

  it("bounds the reply with maxNewTokens, and lets REMOVE_PARAMETER drop the bound", async () => {
    const { model, pipeline } = await modelWith("abcdefghijklmnopqrstuvwxyz", { maxNewTokens: 5 });
    expect((await model.generate([{ role: "user", content: "Go" }])).content).toBe("abcde");
    const unbounded = new TransformersModel({ modelId: "m", pipeline, max_new_tokens: REMOVE_PARAMETER });
    await unbounded.generate([{ role: "user", content: "Go" }]);
    expect(lastCall(pipeline).options).not.toHaveProperty("max_new_tokens");
  });

  it("shows the tools to the chat template and reads the tool call the model writes", async () => {
    const { model, pipeline } = await modelWith(
      'Searching.\n<tool_call>\n{"name": "web_search", "arguments": {"query": "smol agents"}}\n</tool_call>',
    );
    const tools = [
      {
        name: "web_search",
        description: "Searches.",
        parameters: { type: "object", properties: { query: { type: "string" } } },
      },
    ];
    const reply = await model.generate([{ role: "user", content: "Find smol" }], { toolsToCallFrom: tools });
    expect(lastCall(pipeline).prompt).toContain("Tools: web_search");
    expect(lastCall(pipeline).options.tools).toEqual([
      {
        type: "function",
        function: { name: "web_search", description: "Searches.", parameters: tools[0]!.parameters },
      },
    ]);
    expect(reply.content).toBe("Searching.");
    expect(reply.toolCalls?.[0]?.function.name).toBe("web_search");
    expect(parseToolCallArguments(reply.toolCalls![0]!.function.arguments)).toEqual({ query: "smol agents" });

    const streamed = await stream(model, "Find smol", { toolsToCallFrom: tools });
    expect(streamed.message.toolCalls?.[0]?.function).toEqual({
      name: "web_search",
      arguments: '{"query":"smol agents"}',
    });
  });

  it("uses the chatTemplate option instead of the tokenizer's template", async () => {
    const { model, pipeline } = await modelWith("ok", {
      chatTemplate: "{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}",
    });
    await model.generate([{ role: "user", content: "Hi" }]);
    expect(lastCall(pipeline).prompt).toBe("[user] Hi\n");
  });

  it("stops generating when the caller aborts", async () => {
    // TextStreamer hands out whole words: the reply has many.
    const { model, pipeline } = await modelWith("word ".repeat(100));
    const controller = new AbortController();
    const pieces: string[] = [];
    const reading = (async () => {
      for await (const delta of model.generateStream([{ role: "user", content: "Go" }], {
        signal: controller.signal,
      })) {
        pieces.push(delta.content ?? "");
        controller.abort();
      }
    })();
    await expect(reading).rejects.toThrow();
    expect(lastCall(pipeline).generatedTokens).toBeLessThan(50);
  });

  it("refuses a JSON schema it cannot enforce", async () => {
    const { model } = await modelWith("{}");
    await expect(
      model.generate([{ role: "user", content: "Go" }], {
        responseFormat: { type: "json_schema", jsonSchema: { name: "x", schema: { type: "object" } } },
      }),
    ).rejects.toThrow(/no constrained decoding.*LlamaCppModel/);
  });

  it("saves and restores itself without the pipeline", async () => {
    const { model } = await modelWith("ok", { device: "cpu", dtype: "q4", temperature: 0.2 });
    const saved = model.toDict();
    expect(saved).toMatchObject({
      class: "TransformersModel",
      modelId: "test/scripted",
      device: "cpu",
      dtype: "q4",
      maxNewTokens: 4096,
      temperature: 0.2,
    });
    expect(TransformersModel.fromDict(JSON.parse(JSON.stringify(saved))).toDict()).toEqual(saved);
  });
});
