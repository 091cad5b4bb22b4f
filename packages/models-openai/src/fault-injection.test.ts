import {
  AgentToolCallError,
  aggregateStreamDeltas,
  type ChatMessage,
  type ChatMessageStreamDelta,
  ModelApiError,
  messageText,
} from "@smol/core";
import { parseToolCallArguments } from "@smol/core/provider-kit";
import { type RecordedRequest, startFakeOpenAIServer } from "@smol/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OpenAIModel } from "./index.js";

const callCount = 30;

/** The server answers each question with its number, so every result can be checked against its call. */
function answerFor(request: RecordedRequest): string {
  const question = String(request.body?.messages?.at(-1)?.content ?? "");
  return `answer to ${question}`;
}

let unhandledRejections: unknown[] = [];
const recordUnhandled = (reason: unknown) => unhandledRejections.push(reason);

beforeEach(() => {
  unhandledRejections = [];
  process.on("unhandledRejection", recordUnhandled);
});

afterEach(() => {
  process.off("unhandledRejection", recordUnhandled);
});

/** Give a stray rejection the turns of the event loop it needs to be reported. */
async function settleEventLoop(): Promise<void> {
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Every outcome must be the right answer, a tool call whose broken JSON is reported clearly, or a ModelApiError. */
function checkOutcome(outcome: PromiseSettledResult<ChatMessage>, index: number): "answered" | "failed" {
  if (outcome.status === "rejected") {
    expect(ModelApiError.isInstance(outcome.reason), String(outcome.reason)).toBe(true);
    return "failed";
  }
  const message = outcome.value;
  if (message.toolCalls?.length) {
    const call = message.toolCalls[0]!;
    expect(() => parseToolCallArguments(call.function.arguments, call.function.name)).toThrow(
      AgentToolCallError,
    );
  } else {
    expect(messageText(message)).toBe(`answer to question ${index}`);
  }
  return "answered";
}

describe("OpenAIModel under injected faults (a third of requests)", () => {
  it(`lets ${callCount} concurrent generate calls succeed by retrying, or fail with ModelApiError`, async () => {
    await using server = await startFakeOpenAIServer({
      replies: answerFor,
      faults: { probability: 1 / 3, seed: 2024 },
    });
    const model = new OpenAIModel({
      modelId: "gpt-4o",
      apiBase: server.baseURL,
      apiKey: "test",
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 50,
    });
    const outcomes = await Promise.allSettled(
      Array.from({ length: callCount }, (_, index) =>
        model.generate([{ role: "user", content: `question ${index}` }]),
      ),
    );
    const results = outcomes.map(checkOutcome);
    await settleEventLoop();

    expect(unhandledRejections).toEqual([]);
    expect(results.filter((result) => result === "answered").length).toBeGreaterThanOrEqual(callCount - 5);
    const faulted = server.requests.filter((request) => request.fault);
    expect(faulted.length).toBeGreaterThan(3);
    // Every fault but a malformed tool call costs a retry, so the server saw more requests than calls.
    expect(server.chatRequests.length).toBeGreaterThan(callCount);
  });

  it(`does the same for ${callCount} concurrent streams`, async () => {
    await using server = await startFakeOpenAIServer({
      replies: answerFor,
      faults: { probability: 1 / 3, seed: 99 },
      chunkSize: 4,
    });
    const model = new OpenAIModel({
      modelId: "gpt-4o",
      apiBase: server.baseURL,
      apiKey: "test",
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 50,
    });
    const streamOne = async (index: number): Promise<ChatMessage> => {
      const deltas: ChatMessageStreamDelta[] = [];
      for await (const delta of model.generateStream([{ role: "user", content: `question ${index}` }]))
        deltas.push(delta);
      return aggregateStreamDeltas(deltas);
    };
    const outcomes = await Promise.allSettled(
      Array.from({ length: callCount }, (_, index) => streamOne(index)),
    );
    const results = outcomes.map(checkOutcome);
    await settleEventLoop();

    expect(unhandledRejections).toEqual([]);
    // A stream cut after its first delta is not retried, so fewer streams than calls succeed.
    expect(results.filter((result) => result === "answered").length).toBeGreaterThanOrEqual(callCount / 2);
    expect(server.chatRequests.length).toBeGreaterThan(callCount);
  });
});
