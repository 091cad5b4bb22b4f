import type { ChatMessage, ChatMessageStreamDelta } from "./messages.js";
import { PushedStream } from "./pushed-stream.js";

/**
 * Streams a generation that runs in this process and reports its text through a callback (local
 * models: llama.cpp, Transformers.js): text deltas as they come, then the finished message's tool
 * calls and usage. A reader that stops early, or the caller's signal, aborts the generation, and
 * the generator waits for it to wind down so the model is free for the next call.
 *
 * @example
 * protected override doGenerateStream(request, signal) {
 *   return streamLocalGeneration(signal, (onText, abort) => this.generateOnce(request, abort, onText));
 * }
 */
export async function* streamLocalGeneration(
  signal: AbortSignal | undefined,
  generate: (onText: (text: string) => void, signal: AbortSignal) => Promise<ChatMessage>,
): AsyncGenerator<ChatMessageStreamDelta> {
  const deltas = new PushedStream<ChatMessageStreamDelta>();
  const controller = new AbortController();
  const stopWithCaller = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", stopWithCaller, { once: true });
  const generation = generate((text) => deltas.push({ content: text }), controller.signal).then(
    (message) => {
      for (const delta of finishingDeltas(message)) deltas.push(delta);
      deltas.end();
    },
    (error: unknown) => deltas.fail(error),
  );
  try {
    yield* deltas;
  } finally {
    signal?.removeEventListener("abort", stopWithCaller);
    controller.abort();
    await generation;
  }
}

/** A finished message's tool calls (one delta each, arguments as JSON text) and usage. */
function finishingDeltas(message: ChatMessage): ChatMessageStreamDelta[] {
  const deltas: ChatMessageStreamDelta[] = (message.toolCalls ?? []).map((call, index) => {
    const { name, arguments: argumentsValue } = call.function;
    const argumentsText =
      typeof argumentsValue === "string" ? argumentsValue : JSON.stringify(argumentsValue);
    return {
      toolCalls: [{ index, id: call.id, type: "function", function: { name, arguments: argumentsText } }],
    };
  });
  if (message.tokenUsage) deltas.push({ tokenUsage: message.tokenUsage });
  return deltas;
}
