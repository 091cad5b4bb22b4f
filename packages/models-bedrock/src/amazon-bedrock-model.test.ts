import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import {
  AgentToolCallError,
  aggregateStreamDeltas,
  type ChatMessage,
  type ChatMessageStreamDelta,
  type GenerateOptions,
  ModelApiError,
  ModelConfigurationError,
  messageText,
  REMOVE_PARAMETER,
  type RetryEvent,
} from "@smol/core";
import { parseToolCallArguments } from "@smol/core/provider-kit";
import { type FakeBedrockServer, startFakeBedrockServer } from "@smol/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AmazonBedrockModel, type AmazonBedrockModelOptions } from "./index.js";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG" };
const searchTool = {
  name: "web_search",
  description: "Searches the web.",
  parameters: { type: "object", properties: { query: { type: "string" } }, required: ["query"] },
};

function modelFor(server: FakeBedrockServer, options: Partial<AmazonBedrockModelOptions> = {}) {
  return new AmazonBedrockModel({
    modelId: "us.amazon.nova-pro-v1:0",
    clientOptions: { endpoint: server.url, region: "us-east-1", credentials },
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 20,
    ...options,
  });
}

async function stream(model: AmazonBedrockModel, prompt: string, options: GenerateOptions = {}) {
  const deltas: ChatMessageStreamDelta[] = [];
  for await (const delta of model.generateStream([{ role: "user", content: prompt }], options))
    deltas.push(delta);
  return { deltas, message: aggregateStreamDeltas(deltas) };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("AmazonBedrockModel through the AWS SDK", () => {
  it("runs the seed's advanced configuration: a custom client, inferenceConfig and guardrailConfig", async () => {
    await using bedrock = await startFakeBedrockServer({
      replies: ["Hello!"],
      accessKeyId: credentials.accessKeyId,
    });
    const client = new BedrockRuntimeClient({ region: "eu-west-3", credentials, endpoint: bedrock.url });
    const model = new AmazonBedrockModel({
      modelId: "us.amazon.nova-pro-v1:0",
      client,
      inferenceConfig: { maxTokens: 3000 },
      guardrailConfig: { guardrailIdentifier: "identify1", guardrailVersion: "v1" },
    });

    const reply = await model.generate(
      [
        { role: "system", content: "You are a helpful agent." },
        { role: "user", content: "Could you give me the 118th number in the Fibonacci sequence?" },
      ],
      { stopSequences: ["Observation:"] },
    );

    expect(reply.content).toBe("Hello!");
    const [request] = bedrock.converseRequests;
    // The SDK's default handler speaks HTTP/2, and the model id travels in the path, encoded.
    expect(request?.httpVersion).toBe("2.0");
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/model/us.amazon.nova-pro-v1%3A0/converse");
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-3\/bedrock\/aws4_request/,
    );
    expect(request?.body).toEqual({
      system: [{ text: "You are a helpful agent." }],
      messages: [
        {
          role: "user",
          content: [{ text: "Could you give me the 118th number in the Fibonacci sequence?" }],
        },
      ],
      inferenceConfig: { stopSequences: ["Observation:"], maxTokens: 3000 },
      guardrailConfig: { guardrailIdentifier: "identify1", guardrailVersion: "v1" },
    });
  });

  it("returns text with token usage, cut by the server at the stop sequence", async () => {
    await using bedrock = await startFakeBedrockServer({
      replies: [
        { content: "Thought: easy.\nObservation: leaked", tokenUsage: { inputTokens: 40, outputTokens: 7 } },
      ],
    });
    const reply = await modelFor(bedrock).generate([{ role: "user", content: "Hi" }], {
      stopSequences: ["Observation:"],
    });
    expect(reply).toMatchObject({
      role: "assistant",
      content: "Thought: easy.\n",
      tokenUsage: { inputTokens: 40, outputTokens: 7 },
    });
    expect((reply.raw as { stopReason: string }).stopReason).toBe("stop_sequence");
  });

  it("sends images as base64 bytes with their format", async () => {
    await using bedrock = await startFakeBedrockServer({ replies: ["A cat."] });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    await modelFor(bedrock).generate([
      {
        role: "user",
        content: [
          { type: "text", text: "What is it?" },
          { type: "image", image: png },
        ],
      },
    ]);
    expect(bedrock.converseRequests[0]?.body?.messages[0].content).toEqual([
      { text: "What is it?" },
      { image: { format: "png", source: { bytes: Buffer.from(png).toString("base64") } } },
    ]);
  });

  it("maps tools to toolConfig and toolUse blocks back to tool calls", async () => {
    await using bedrock = await startFakeBedrockServer({
      replies: [
        { content: "", toolCalls: [{ id: "tooluse_abc", name: "web_search", arguments: { query: "smol" } }] },
      ],
    });
    const reply = await modelFor(bedrock).generate([{ role: "user", content: "Find smol" }], {
      toolsToCallFrom: [searchTool],
      toolChoice: "required",
    });
    expect(bedrock.converseRequests[0]?.body?.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: "web_search",
            description: "Searches the web.",
            inputSchema: { json: searchTool.parameters },
          },
        },
      ],
      toolChoice: { any: {} },
    });
    expect(reply.toolCalls).toEqual([
      { id: "tooluse_abc", type: "function", function: { name: "web_search", arguments: { query: "smol" } } },
    ]);
    expect((reply.raw as { stopReason: string }).stopReason).toBe("tool_use");
  });

  it("streams text, tool-call fragments and usage over ConverseStream's event-stream frames", async () => {
    await using bedrock = await startFakeBedrockServer({
      chunkSize: 3,
      replies: [
        {
          content: "I will search.",
          toolCalls: [{ id: "tooluse_1", name: "web_search", arguments: { query: "smol agents" } }],
          tokenUsage: { inputTokens: 21, outputTokens: 11 },
        },
      ],
    });
    const { deltas, message } = await stream(modelFor(bedrock), "Find smol", {
      toolsToCallFrom: [searchTool],
    });

    expect(bedrock.converseRequests[0]?.path).toBe("/model/us.amazon.nova-pro-v1%3A0/converse-stream");
    expect(deltas.filter((delta) => delta.content).length).toBeGreaterThan(2);
    expect(message).toEqual({
      role: "assistant",
      content: "I will search.",
      toolCalls: [
        {
          id: "tooluse_1",
          type: "function",
          function: { name: "web_search", arguments: '{"query":"smol agents"}' },
        },
      ],
      tokenUsage: { inputTokens: 21, outputTokens: 11 },
    });
    expect(parseToolCallArguments(message.toolCalls![0]!.function.arguments)).toEqual({
      query: "smol agents",
    });
  });

  it("works through a client with NodeHttpHandler (HTTP/1.1) too", async () => {
    await using bedrock = await startFakeBedrockServer({ replies: ["over HTTP/1.1", "streamed too"] });
    const client = new BedrockRuntimeClient({
      region: "us-east-1",
      credentials,
      endpoint: bedrock.url,
      requestHandler: new NodeHttpHandler(),
      maxAttempts: 1,
    });
    const model = new AmazonBedrockModel({ modelId: "anthropic.claude-3-haiku-20240307-v1:0", client });
    expect(messageText(await model.generate([{ role: "user", content: "Hi" }]))).toBe("over HTTP/1.1");
    expect((await stream(model, "Hi")).message.content).toBe("streamed too");
    expect(bedrock.converseRequests.map((request) => request.httpVersion)).toEqual(["1.1", "1.1"]);
  });

  it("with stop: REMOVE_PARAMETER sends no stop sequences and cuts the output itself", async () => {
    await using bedrock = await startFakeBedrockServer({
      replies: ["Answer: 4\nObservation: no", "x\nObservation: y"],
    });
    const model = modelFor(bedrock, { stop: REMOVE_PARAMETER });
    const reply = await model.generate([{ role: "user", content: "2+2" }], {
      stopSequences: ["Observation:"],
    });
    expect(reply.content).toBe("Answer: 4\n");
    expect(bedrock.converseRequests[0]?.body?.inferenceConfig).toBeUndefined();
    const streamed = await stream(model, "again", { stopSequences: ["Observation:"] });
    expect(streamed.message.content).toBe("x\n");
  });

  it("does not send stop sequences to Meta's Llama models, which reject them", async () => {
    await using bedrock = await startFakeBedrockServer({ replies: ["Code:\n```py\nx\n```<end_code>more"] });
    const model = modelFor(bedrock, { modelId: "us.meta.llama3-2-90b-instruct-v1:0" });
    const reply = await model.generate([{ role: "user", content: "Go" }], { stopSequences: ["<end_code>"] });
    expect(reply.content).toBe("Code:\n```py\nx\n```");
    expect(bedrock.converseRequests[0]?.body?.inferenceConfig).toBeUndefined();
  });

  it("saves and restores itself without secrets", () => {
    const model = new AmazonBedrockModel({
      modelId: "anthropic.claude-3-sonnet-20240229-v1:0",
      clientOptions: { region: "us-west-2", credentials },
      inferenceConfig: { maxTokens: 3000 },
      stop: REMOVE_PARAMETER,
    });
    const saved = model.toDict();
    expect(JSON.stringify(saved)).not.toContain(credentials.secretAccessKey);
    expect(JSON.stringify(saved)).not.toContain(credentials.accessKeyId);
    expect(saved).toMatchObject({
      class: "AmazonBedrockModel",
      modelId: "anthropic.claude-3-sonnet-20240229-v1:0",
      clientOptions: { region: "us-west-2" },
      inferenceConfig: { maxTokens: 3000 },
    });
    const restored = AmazonBedrockModel.fromDict(JSON.parse(JSON.stringify(saved)));
    expect(restored.toDict()).toEqual(saved);
  });

  it("refuses a parameter the SDK would drop without a word", () => {
    expect(() => new AmazonBedrockModel({ modelId: "m", top_k: 50 })).toThrow(ModelConfigurationError);
  });
});

describe("AmazonBedrockModel under faults", () => {
  it("retries a 429 ThrottlingException and a 500, then answers", async () => {
    await using bedrock = await startFakeBedrockServer({
      replies: ["Finally."],
      faults: ["rate-limit", "server-error"],
    });
    const retries: RetryEvent[] = [];
    const reply = await modelFor(bedrock, { onRetry: (event) => retries.push(event) }).generate([
      { role: "user", content: "Hi" },
    ]);
    expect(reply.content).toBe("Finally.");
    expect(retries.map((event) => [event.error.statusCode, event.error.message])).toEqual([
      [429, expect.stringContaining("ThrottlingException")],
      [500, expect.stringContaining("InternalServerException")],
    ]);
    expect(bedrock.converseRequests).toHaveLength(3);
  });

  it("retries a dropped connection (HTTP/2 and HTTP/1.1)", async () => {
    await using bedrock = await startFakeBedrockServer({
      replies: ["after a drop", "after another"],
      faults: ["drop-connection", null, "drop-connection", null],
    });
    expect((await modelFor(bedrock).generate([{ role: "user", content: "Hi" }])).content).toBe(
      "after a drop",
    );
    const http1 = new BedrockRuntimeClient({
      region: "us-east-1",
      credentials,
      endpoint: bedrock.url,
      requestHandler: new NodeHttpHandler(),
      maxAttempts: 1,
    });
    const model = new AmazonBedrockModel({ modelId: "m", client: http1, retryBaseDelayMs: 1 });
    expect((await model.generate([{ role: "user", content: "Hi" }])).content).toBe("after another");
    expect(bedrock.converseRequests.map((request) => request.fault?.kind ?? "answered")).toEqual([
      "drop-connection",
      "answered",
      "drop-connection",
      "answered",
    ]);
  });

  it("does not retry a 403 for bad credentials, and says what to check", async () => {
    await using bedrock = await startFakeBedrockServer({ replies: ["never"], accessKeyId: "AKIDOTHER" });
    const error = await failure(modelFor(bedrock).generate([{ role: "user", content: "Hi" }]));
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 403, isRetryable: false });
    expect((error as Error).message).toMatch(/UnrecognizedClientException.*Check the AWS credentials/);
    expect(bedrock.converseRequests).toHaveLength(1);
  });

  it("retries a stream that fails before its first delta: an exception event, a cut connection", async () => {
    await using bedrock = await startFakeBedrockServer({
      replies: ["streamed fine"],
      faults: [
        { kind: "stream-exception", exceptionType: "throttlingException", afterEvents: 1 },
        { kind: "truncate-stream", afterChunks: 1 },
      ],
    });
    const retries: RetryEvent[] = [];
    const { message } = await stream(modelFor(bedrock, { onRetry: (event) => retries.push(event) }), "Hi");
    expect(message.content).toBe("streamed fine");
    expect(retries.map((event) => event.error.message)).toEqual([
      expect.stringContaining("ThrottlingException"),
      expect.stringContaining("ended before the reply was complete"),
    ]);
  });

  it("surfaces a stream cut after its first delta as a ModelApiError, not a short answer", async () => {
    for (const fault of [
      { kind: "truncate-stream" as const, afterChunks: 3 },
      { kind: "truncate-stream" as const, afterChunks: 3, endCleanly: true },
      { kind: "stream-exception" as const, afterEvents: 3 },
    ]) {
      await using bedrock = await startFakeBedrockServer({
        replies: ["a long enough reply"],
        faults: [fault],
        chunkSize: 4,
      });
      const error = await failure(stream(modelFor(bedrock), "Hi"));
      expect(ModelApiError.isInstance(error), `${JSON.stringify(fault)}: ${String(error)}`).toBe(true);
      expect(bedrock.converseRequests).toHaveLength(1);
    }
  });

  it("passes a malformed streamed tool call on, for the agent to explain to the model", async () => {
    await using bedrock = await startFakeBedrockServer({
      replies: [{ toolCalls: [{ name: "web_search", arguments: { query: "smol agents framework" } }] }],
      faults: ["malformed-tool-call"],
    });
    const { message } = await stream(modelFor(bedrock), "Find smol", { toolsToCallFrom: [searchTool] });
    const call = message.toolCalls![0]!;
    expect(call.function.name).toBe("web_search");
    expect(() => parseToolCallArguments(call.function.arguments, call.function.name)).toThrow(
      AgentToolCallError,
    );
  });

  it(`lets 20 concurrent calls succeed by retrying, or fail with a ModelApiError`, async () => {
    await using bedrock = await startFakeBedrockServer({
      replies: (request) => `answer to ${request.body?.messages?.at(-1)?.content?.[0]?.text}`,
      faults: { probability: 1 / 3, seed: 7, kinds: ["rate-limit", "server-error", "drop-connection"] },
    });
    const model = modelFor(bedrock, { maxRetries: 6 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, index) =>
        model.generate([{ role: "user", content: `question ${index}` }]),
      ),
    );
    const answered = outcomes.filter((outcome): outcome is PromiseFulfilledResult<ChatMessage> => {
      if (outcome.status === "rejected") expect(ModelApiError.isInstance(outcome.reason)).toBe(true);
      return outcome.status === "fulfilled";
    });
    for (const outcome of answered) expect(messageText(outcome.value)).toMatch(/^answer to question \d+$/);
    expect(answered.length).toBeGreaterThanOrEqual(18);
    expect(bedrock.converseRequests.filter((request) => request.fault).length).toBeGreaterThan(3);
  });
});

describe("AmazonBedrockModel configuration errors", () => {
  it("says how to give a region when none is found", async () => {
    vi.stubEnv("AWS_REGION", undefined);
    vi.stubEnv("AWS_DEFAULT_REGION", undefined);
    vi.stubEnv("AWS_CONFIG_FILE", "/nonexistent/aws-config");
    await using bedrock = await startFakeBedrockServer({ replies: ["unused"] });
    const model = new AmazonBedrockModel({
      modelId: "m",
      clientOptions: { endpoint: bedrock.url, credentials },
    });
    const error = await failure(model.generate([{ role: "user", content: "Hi" }]));
    expect(ModelConfigurationError.isInstance(error), `${(error as Error).name}: ${String(error)}`).toBe(
      true,
    );
    expect((error as Error).message).toMatch(/AWS_REGION/);
  });

  it("says how to give credentials when none are found", async () => {
    for (const name of [
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_PROFILE",
      "AWS_BEARER_TOKEN_BEDROCK",
    ]) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv("AWS_CONFIG_FILE", "/nonexistent/aws-config");
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials");
    // No instance-metadata lookup: there is no EC2 here, and its timeouts would slow the test.
    vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
    await using bedrock = await startFakeBedrockServer({ replies: ["unused"] });
    const model = new AmazonBedrockModel({
      modelId: "m",
      clientOptions: { endpoint: bedrock.url, region: "us-east-1" },
    });
    const error = await failure(model.generate([{ role: "user", content: "Hi" }]));
    expect(ModelConfigurationError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/AWS_ACCESS_KEY_ID/);
    expect(bedrock.converseRequests).toHaveLength(0);
  });
});
