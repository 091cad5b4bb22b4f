import { describe, expect, it } from "vitest";
import { ModelApiError, ModelConfigurationError } from "../errors.js";
import { ApiModel, type ApiModelOptions, type RetryEvent } from "./api-model.js";
import type { CompletionRequest } from "./completion-request.js";
import { aggregateStreamDeltas, type ChatMessage, type ChatMessageStreamDelta } from "./messages.js";
import type { GenerateOptions } from "./model.js";
import { overlayCompletionParameters, REMOVE_PARAMETER } from "./remove-parameter.js";

type Outcome = ChatMessage | Error | { stream: (ChatMessageStreamDelta | Error)[] };

/** An ApiModel whose "provider" plays a script: a reply, an error to throw, or a stream. */
class ScriptedApiModel extends ApiModel {
  protected readonly providerName = "Scripted";
  readonly requests: CompletionRequest[] = [];
  outcomes: Outcome[] = [];

  prepare(messages: ChatMessage[], options?: GenerateOptions): CompletionRequest {
    return this.prepareCompletionParameters(messages, options);
  }

  private next(request: CompletionRequest): Exclude<Outcome, Error> {
    this.requests.push(request);
    const outcome = this.outcomes.shift();
    if (!outcome) throw new Error("script exhausted");
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  protected async doGenerate(request: CompletionRequest): Promise<ChatMessage> {
    const outcome = this.next(request);
    if ("stream" in outcome) throw new Error("expected a message outcome");
    return outcome;
  }

  protected override async *doGenerateStream(
    request: CompletionRequest,
  ): AsyncGenerator<ChatMessageStreamDelta> {
    const outcome = this.next(request);
    if (!("stream" in outcome)) throw new Error("expected a stream outcome");
    for (const item of outcome.stream) {
      if (item instanceof Error) throw item;
      yield item;
    }
  }
}

class NonStreamingModel extends ApiModel {
  protected readonly providerName = "NonStreaming";
  protected async doGenerate(): Promise<ChatMessage> {
    return { role: "assistant", content: "whole reply", tokenUsage: { inputTokens: 3, outputTokens: 2 } };
  }
}

function scripted(options: Partial<ApiModelOptions> = {}, outcomes: Outcome[] = []): ScriptedApiModel {
  const model = new ScriptedApiModel({ modelId: "gpt-4o", retryBaseDelayMs: 1, ...options });
  model.outcomes = outcomes;
  return model;
}

const user = (content: string): ChatMessage => ({ role: "user", content });
const reply = (content: string): ChatMessage => ({ role: "assistant", content });
const httpError = (statusCode: number, retryAfterSeconds?: number) =>
  new ModelApiError(`status ${statusCode}`, { statusCode, retryAfterSeconds });

async function collect(stream: AsyncIterable<ChatMessageStreamDelta>): Promise<ChatMessageStreamDelta[]> {
  const deltas: ChatMessageStreamDelta[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

describe("ApiModel completion parameters", () => {
  it("gives constructor parameters the highest precedence over what the agent computed", () => {
    const model = scripted({ temperature: 0.2, tool_choice: "auto", max_tokens: 50 });
    const request = model.prepare([user("hi")]);
    const providerBody = overlayCompletionParameters(
      { model: "gpt-4o", temperature: 1, tool_choice: "required" },
      request.completionParameters,
    );
    expect(providerBody).toEqual({ model: "gpt-4o", temperature: 0.2, tool_choice: "auto", max_tokens: 50 });
  });

  it("keeps its own options out of the completion parameters", () => {
    const onRetry = () => {};
    const request = scripted({ maxRetries: 1, requestsPerMinute: 100, onRetry, top_p: 0.9 }).prepare([
      user("hi"),
    ]);
    expect(request.completionParameters).toEqual({ top_p: 0.9 });
  });

  it("deletes a key given as REMOVE_PARAMETER", () => {
    const request = scripted({ max_tokens: REMOVE_PARAMETER }).prepare([user("hi")]);
    const body = overlayCompletionParameters({ model: "m", max_tokens: 10 }, request.completionParameters);
    expect(body).toEqual({ model: "m" });
  });

  it("sends stop sequences to models that accept them", () => {
    const request = scripted().prepare([user("hi")], { stopSequences: ["Observation:"] });
    expect(request.stopSequences).toEqual(["Observation:"]);
  });

  it("does not send stop sequences with stop: REMOVE_PARAMETER, nor to models that reject stop", () => {
    expect(
      scripted({ stop: REMOVE_PARAMETER }).prepare([user("hi")], { stopSequences: ["X"] }).stopSequences,
    ).toBe(undefined);
    expect(scripted({ modelId: "gpt-5" }).prepare([user("hi")], { stopSequences: ["X"] }).stopSequences).toBe(
      undefined,
    );
    expect(
      scripted({ modelId: "o3-mini" }).prepare([user("hi")], { stopSequences: ["X"] }).stopSequences,
    ).toEqual(["X"]);
  });

  it("lets a constructor `stop` replace the agent's stop sequences", () => {
    const request = scripted({ stop: ["END"] }).prepare([user("hi")], { stopSequences: ["Observation:"] });
    expect(request.stopSequences).toEqual(["END"]);
    expect(request.completionParameters).not.toHaveProperty("stop");
  });

  it("rejects a stop that is neither text nor REMOVE_PARAMETER, and a missing modelId", () => {
    expect(() => scripted({ stop: 3 as unknown as string })).toThrow(ModelConfigurationError);
    expect(() => new ScriptedApiModel({ modelId: "" })).toThrow(/needs a modelId/);
    expect(() => scripted({ requestsPerMinute: 0 })).toThrow(ModelConfigurationError);
    expect(() => scripted({ maxRetries: -1 })).toThrow(ModelConfigurationError);
  });

  it("passes tools, tool choice and response format, and drops a tool choice without tools", () => {
    const tools = [
      { name: "search", description: "Search.", parameters: { type: "object", properties: {} } },
    ];
    const responseFormat = {
      type: "json_schema" as const,
      jsonSchema: { name: "answer", schema: { type: "object" } },
    };
    const withTools = scripted().prepare([user("hi")], {
      toolsToCallFrom: tools,
      toolChoice: "required",
      responseFormat,
    });
    expect(withTools).toMatchObject({ tools, toolChoice: "required", responseFormat });
    const withoutTools = scripted().prepare([user("hi")], { toolsToCallFrom: [], toolChoice: "required" });
    expect(withoutTools.tools).toBe(undefined);
    expect(withoutTools.toolChoice).toBe(undefined);
  });

  it("cleans the messages and flattens them when asked", () => {
    const messages: ChatMessage[] = [
      { role: "system", content: "sys" },
      { role: "tool-call", content: "Calling tools: search" },
      { role: "tool-response", content: "Observation: 42" },
      {
        role: "user",
        content: [
          { type: "text", text: "more" },
          { type: "image", image: "https://x.test/a.png" },
        ],
      },
    ];
    expect(scripted().prepare(messages).messages).toEqual([
      { role: "system", content: [{ type: "text", text: "sys" }] },
      { role: "assistant", content: [{ type: "text", text: "Calling tools: search" }] },
      {
        role: "user",
        content: [
          { type: "text", text: "Observation: 42\nmore" },
          { type: "image", image: "https://x.test/a.png" },
        ],
      },
    ]);
    expect(scripted({ flattenMessagesAsText: true }).prepare(messages).messages.at(-1)).toEqual({
      role: "user",
      content: "Observation: 42\nmore",
    });
  });
});

describe("ApiModel client-side stop sequences", () => {
  it("cuts the output at the first stop sequence when stop was not sent", async () => {
    const model = scripted({ stop: REMOVE_PARAMETER }, [reply("Thought: go\nObservation: made up\nmore")]);
    const message = await model.generate([user("hi")], { stopSequences: ["Observation:", "Calling tools:"] });
    expect(message.content).toBe("Thought: go\n");
  });

  it("leaves the output alone when the provider received the stop sequences", async () => {
    const model = scripted({}, [reply("a Observation: b")]);
    const message = await model.generate([user("hi")], { stopSequences: ["Observation:"] });
    expect(message.content).toBe("a Observation: b");
  });

  it("cuts a stream even when the stop sequence is split across deltas", async () => {
    const model = scripted({ modelId: "gpt-5-mini" }, [
      {
        stream: [
          { content: "Thought: ok\nObs" },
          { content: "ervation: invented" },
          { toolCalls: [{ index: 0, id: "c1", function: { name: "t", arguments: "{}" } }] },
          { tokenUsage: { inputTokens: 5, outputTokens: 7 } },
        ],
      },
    ]);
    const deltas = await collect(model.generateStream([user("hi")], { stopSequences: ["Observation:"] }));
    const message = aggregateStreamDeltas(deltas);
    expect(message.content).toBe("Thought: ok\n");
    expect(message.toolCalls?.[0]?.function.name).toBe("t");
    expect(message.tokenUsage).toEqual({ inputTokens: 5, outputTokens: 7 });
  });

  it("releases held-back text that turned out not to be a stop sequence", async () => {
    const model = scripted({ modelId: "o4-mini" }, [{ stream: [{ content: "ends with Obs" }] }]);
    const deltas = await collect(model.generateStream([user("hi")], { stopSequences: ["Observation:"] }));
    expect(aggregateStreamDeltas(deltas).content).toBe("ends with Obs");
  });
});

describe("ApiModel retries", () => {
  it("retries 429 and 5xx, honouring Retry-After, then returns the reply", async () => {
    const events: RetryEvent[] = [];
    const model = scripted({ retryBaseDelayMs: 4, onRetry: (event) => events.push(event) }, [
      httpError(429, 0.01),
      httpError(503),
      reply("done"),
    ]);
    const message = await model.generate([user("hi")]);
    expect(message.content).toBe("done");
    expect(model.requests).toHaveLength(3);
    expect(events.map((event) => event.retry)).toEqual([1, 2]);
    expect(events[0]?.delayMs).toBe(10);
    // Second retry without Retry-After: base × 2, with equal jitter → between 4 and 8 ms.
    expect(events[1]?.delayMs).toBeGreaterThanOrEqual(4);
    expect(events[1]?.delayMs).toBeLessThanOrEqual(8);
  });

  it("retries network failures (no status)", async () => {
    const networkFailure = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    const model = scripted({}, [networkFailure, reply("ok")]);
    expect((await model.generate([user("hi")])).content).toBe("ok");
    expect(model.requests).toHaveLength(2);
  });

  it("maps an SDK-style error with status and headers to ModelApiError", async () => {
    const sdkError = Object.assign(new Error("Too Many Requests"), {
      status: 429,
      headers: new Headers({ "retry-after": "0" }),
    });
    const events: RetryEvent[] = [];
    const model = scripted({ onRetry: (event) => events.push(event) }, [sdkError, reply("ok")]);
    await model.generate([user("hi")]);
    expect(events[0]?.error).toBeInstanceOf(ModelApiError);
    expect(events[0]?.error.statusCode).toBe(429);
    expect(events[0]?.delayMs).toBe(0);
  });

  it("does not retry a 400", async () => {
    const model = scripted({}, [httpError(400), reply("never")]);
    const error = await model.generate([user("hi")]).catch((caught: unknown) => caught);
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect((error as ModelApiError).statusCode).toBe(400);
    expect(model.requests).toHaveLength(1);
  });

  it("gives up after maxRetries with a typed error that says so", async () => {
    const model = scripted({ maxRetries: 2 }, [
      httpError(500),
      httpError(502),
      httpError(503),
      reply("never"),
    ]);
    const error = await model.generate([user("hi")]).catch((caught: unknown) => caught);
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect((error as ModelApiError).statusCode).toBe(503);
    expect((error as ModelApiError).isRetryable).toBe(true);
    expect((error as Error).message).toMatch(/gave up after 3 attempts/);
    expect(model.requests).toHaveLength(3);
  });

  it("surfaces a Retry-After longer than retryMaxDelayMs instead of hanging", async () => {
    const model = scripted({ retryMaxDelayMs: 5_000 }, [httpError(429, 3_600), reply("never")]);
    const error = await model.generate([user("hi")]).catch((caught: unknown) => caught);
    expect((error as ModelApiError).retryAfterSeconds).toBe(3_600);
    expect(model.requests).toHaveLength(1);
  });

  it("rethrows errors that are not the API's, without retrying", async () => {
    const bug = new RangeError("a bug in the provider code");
    const model = scripted({}, [bug, reply("never")]);
    await expect(model.generate([user("hi")])).rejects.toBe(bug);
    expect(model.requests).toHaveLength(1);
  });

  it("stops waiting and rejects with the abort reason when the signal aborts", async () => {
    const controller = new AbortController();
    const model = scripted({ onRetry: () => controller.abort(new Error("user cancelled")) }, [
      httpError(429, 30),
      reply("never"),
    ]);
    await expect(model.generate([user("hi")], { signal: controller.signal })).rejects.toThrow(
      "user cancelled",
    );
    expect(model.requests).toHaveLength(1);
  });

  it("does not call the provider with an already aborted signal", async () => {
    const model = scripted({}, [reply("never")]);
    await expect(model.generate([user("hi")], { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: "AbortError",
    });
    expect(model.requests).toHaveLength(0);
  });
});

describe("ApiModel streaming", () => {
  it("retries a stream that fails before its first delta", async () => {
    const model = scripted({}, [
      { stream: [httpError(500)] },
      { stream: [{ content: "hel" }, { content: "lo" }] },
    ]);
    const deltas = await collect(model.generateStream([user("hi")]));
    expect(aggregateStreamDeltas(deltas).content).toBe("hello");
    expect(model.requests).toHaveLength(2);
  });

  it("does not retry once a delta was yielded: the error surfaces, typed", async () => {
    const networkFailure = Object.assign(new TypeError("terminated"), {});
    const model = scripted({}, [
      { stream: [{ content: "hel" }, networkFailure] },
      { stream: [{ content: "x" }] },
    ]);
    const received: ChatMessageStreamDelta[] = [];
    const error = await (async () => {
      for await (const delta of model.generateStream([user("hi")])) received.push(delta);
    })().catch((caught: unknown) => caught);
    expect(received).toEqual([{ content: "hel" }]);
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect((error as ModelApiError).statusCode).toBe(undefined);
    expect(model.requests).toHaveLength(1);
  });

  it("streams one delta from generate when the provider cannot stream", async () => {
    const model = new NonStreamingModel({ modelId: "plain" });
    expect(await collect(model.generateStream([user("hi")]))).toEqual([
      { content: "whole reply", tokenUsage: { inputTokens: 3, outputTokens: 2 } },
    ]);
  });
});

describe("ApiModel toDict / fromDict", () => {
  it("describes the model without secrets and rebuilds it", () => {
    const model = scripted({
      temperature: 0.7,
      stop: REMOVE_PARAMETER,
      max_tokens: 100,
      api_key: "sk-secret",
      hfToken: "hf_secret",
      extra_headers: { Authorization: "Bearer sk-secret", "X-Trace": "1" },
      onRetry: () => {},
    });
    const dict = model.toDict();
    expect(JSON.stringify(dict)).not.toContain("secret");
    expect(dict).toMatchObject({
      class: "ScriptedApiModel",
      modelId: "gpt-4o",
      temperature: 0.7,
      max_tokens: 100,
      maxRetries: 3,
      extra_headers: { "X-Trace": "1" },
    });
    const copy = ScriptedApiModel.fromDict(JSON.parse(JSON.stringify(dict)));
    expect(copy).toBeInstanceOf(ScriptedApiModel);
    expect(copy.modelId).toBe("gpt-4o");
    // REMOVE_PARAMETER survived the JSON round trip: stop sequences are still not sent.
    expect(copy.prepare([user("hi")], { stopSequences: ["X"] }).stopSequences).toBe(undefined);
    expect(copy.prepare([user("hi")]).completionParameters).toMatchObject({
      temperature: 0.7,
      max_tokens: 100,
    });
  });

  it("refuses a description of another class", () => {
    expect(() => ScriptedApiModel.fromDict({ class: "OpenAIModel", modelId: "x" })).toThrow(
      ModelConfigurationError,
    );
  });
});
