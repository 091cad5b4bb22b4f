import type {
  ChatMessage,
  ChatMessageStreamDelta,
  ChatMessageToolCall,
  TokenUsage,
  ToolCallDelta,
} from "@smol/core";
import type { ChatResponse, ToolCall } from "ollama";

/** Ollama's tool calls carry no id; the agent needs one to match each call with its answer. */
export type ToolCallIdFactory = () => string;

/**
 * A `/api/chat` reply as a smol `ChatMessage`. Ollama sends tool-call arguments as an object
 * (it parsed the model's JSON itself) and no ids: ids are made with `nextId`.
 */
export function fromOllamaResponse(response: ChatResponse, nextId: ToolCallIdFactory): ChatMessage {
  const message: ChatMessage = { role: "assistant", content: response.message?.content ?? "", raw: response };
  const toolCalls = (response.message?.tool_calls ?? []).map(
    (call): ChatMessageToolCall => ({
      id: nextId(),
      type: "function",
      function: { name: call.function.name, arguments: call.function.arguments ?? {} },
    }),
  );
  if (toolCalls.length > 0) message.toolCalls = toolCalls;
  const tokenUsage = fromOllamaUsage(response);
  if (tokenUsage) message.tokenUsage = tokenUsage;
  return message;
}

/**
 * Turns streamed lines into deltas. Each tool call arrives whole in one line; the converter gives
 * it the next index (so that `aggregateStreamDeltas` keeps calls from different lines apart), an
 * id, and its arguments as JSON text. Usage comes with the `done` line.
 */
export class OllamaStreamConverter {
  /** Whether the `done` line arrived: the way to tell a complete stream from a cut one. */
  done = false;
  private toolCallCount = 0;

  constructor(private readonly nextId: ToolCallIdFactory) {}

  push(line: ChatResponse): ChatMessageStreamDelta | undefined {
    const delta: ChatMessageStreamDelta = {};
    if (line.message?.content) delta.content = line.message.content;
    const calls = line.message?.tool_calls ?? [];
    if (calls.length > 0) delta.toolCalls = calls.map((call) => this.toDelta(call));
    if (line.done) {
      this.done = true;
      const tokenUsage = fromOllamaUsage(line);
      if (tokenUsage) delta.tokenUsage = tokenUsage;
    }
    return delta.content !== undefined || delta.toolCalls || delta.tokenUsage ? delta : undefined;
  }

  private toDelta(call: ToolCall): ToolCallDelta {
    return {
      index: this.toolCallCount++,
      id: this.nextId(),
      type: "function",
      function: { name: call.function.name, arguments: JSON.stringify(call.function.arguments ?? {}) },
    };
  }
}

function fromOllamaUsage(response: Partial<ChatResponse>): TokenUsage | undefined {
  if (response.prompt_eval_count === undefined && response.eval_count === undefined) return undefined;
  // Ollama leaves prompt_eval_count out when the whole prompt came from its cache.
  return { inputTokens: response.prompt_eval_count ?? 0, outputTokens: response.eval_count ?? 0 };
}
