import type { ChatMessage, ChatMessageStreamDelta, ChatMessageToolCall, TokenUsage } from "@smol/core";
import { streamPartError } from "./ai-sdk-errors.js";

/**
 * Usage in any specification: v2 gives `inputTokens` as a number, v3 and v4 as
 * `{ total, noCache, cacheRead, … }`. `undefined` when the provider reported no counts.
 */
export function toTokenUsage(usage: unknown): TokenUsage | undefined {
  if (typeof usage !== "object" || usage === null) return undefined;
  const { inputTokens, outputTokens } = usage as { inputTokens?: unknown; outputTokens?: unknown };
  const input = tokenCount(inputTokens);
  const output = tokenCount(outputTokens);
  if (input === undefined && output === undefined) return undefined;
  return { inputTokens: input ?? 0, outputTokens: output ?? 0 };
}

function tokenCount(value: unknown): number | undefined {
  const count = typeof value === "object" && value !== null ? (value as { total?: unknown }).total : value;
  return typeof count === "number" && Number.isFinite(count) && count >= 0 ? count : undefined;
}

/** A part of a generate result's `content`, in the fields all three specifications share. */
interface ContentPartLike {
  type: string;
  text?: string;
  toolCallId?: string;
  toolName?: string;
  input?: unknown;
  providerExecuted?: boolean;
}

/**
 * A generate result as smol's assistant message: the text parts joined, the function tool calls
 * with their arguments as the JSON text the model wrote (the agent parses them). Reasoning,
 * sources and files have no place in smol's message; the whole result stays in `raw`.
 */
export function fromGenerateResult(result: { content: readonly unknown[]; usage: unknown }): ChatMessage {
  let text = "";
  const toolCalls: ChatMessageToolCall[] = [];
  for (const part of result.content as ContentPartLike[]) {
    if (part.type === "text" && typeof part.text === "string") text += part.text;
    // A provider-executed call (a provider's own tool) was answered by the provider already.
    if (part.type === "tool-call" && !part.providerExecuted) {
      toolCalls.push({
        id: part.toolCallId ?? `call_${toolCalls.length}`,
        type: "function",
        function: { name: part.toolName ?? "", arguments: inputText(part.input) },
      });
    }
  }
  const message: ChatMessage = { role: "assistant", content: text, raw: result };
  if (toolCalls.length > 0) message.toolCalls = toolCalls;
  const tokenUsage = toTokenUsage(result.usage);
  if (tokenUsage) message.tokenUsage = tokenUsage;
  return message;
}

/** The specifications give a call's input as JSON text; an object from a lax provider is written out. */
function inputText(input: unknown): string {
  return typeof input === "string" ? input : JSON.stringify(input ?? {});
}

/** A stream part, in the fields all three specifications share. */
interface StreamPartLike {
  type: string;
  id?: string;
  delta?: string;
  toolName?: string;
  toolCallId?: string;
  input?: unknown;
  providerExecuted?: boolean;
  usage?: unknown;
  finishReason?: unknown;
  error?: unknown;
}

/**
 * Turns a model's stream parts into smol's deltas. Tool calls arrive as `tool-input-start`,
 * `tool-input-delta`s and a closing `tool-call` (some providers send only the last): each call
 * gets the index smol's deltas use, and a call already streamed is not sent again.
 */
export class StreamPartConverter {
  /**
   * Set by a `finish` part that gives the server's reason. Providers send `finish` from their
   * stream's end whatever happened, so a connection closed cleanly but early shows only as a
   * finish without a reason: v2's `"unknown"`, v3's `{ unified: "other", raw: undefined }`, and
   * v4's `"interrupted"` (older v4 providers send v3's shape).
   */
  finished = false;
  private readonly callIndexes = new Map<string, number>();
  private readonly skippedCalls = new Set<string>();

  constructor(private readonly providerName: string) {}

  /** The delta for one part, `undefined` for parts smol has no use for; throws on an `error` part. */
  convert(part: StreamPartLike): ChatMessageStreamDelta | undefined {
    switch (part.type) {
      case "text-delta":
        return part.delta ? { content: part.delta } : undefined;
      case "tool-input-start": {
        if (part.id === undefined) return undefined;
        if (part.providerExecuted) {
          this.skippedCalls.add(part.id);
          return undefined;
        }
        const index = this.indexOf(part.id);
        return {
          toolCalls: [{ index, id: part.id, type: "function", function: { name: part.toolName ?? "" } }],
        };
      }
      case "tool-input-delta": {
        if (part.id === undefined || this.skippedCalls.has(part.id) || !this.callIndexes.has(part.id))
          return undefined;
        if (!part.delta) return undefined;
        return { toolCalls: [{ index: this.indexOf(part.id), function: { arguments: part.delta } }] };
      }
      case "tool-call": {
        if (part.providerExecuted || part.toolCallId === undefined) return undefined;
        if (this.callIndexes.has(part.toolCallId)) return undefined;
        const index = this.indexOf(part.toolCallId);
        return {
          toolCalls: [
            {
              index,
              id: part.toolCallId,
              type: "function",
              function: { name: part.toolName ?? "", arguments: inputText(part.input) },
            },
          ],
        };
      }
      case "finish": {
        this.finished = hasFinishReason(part.finishReason);
        const tokenUsage = toTokenUsage(part.usage);
        return tokenUsage ? { tokenUsage } : undefined;
      }
      case "error":
        throw streamPartError(part.error, this.providerName);
      default:
        return undefined;
    }
  }

  private indexOf(callId: string): number {
    let index = this.callIndexes.get(callId);
    if (index === undefined) {
      index = this.callIndexes.size;
      this.callIndexes.set(callId, index);
    }
    return index;
  }
}

function hasFinishReason(reason: unknown): boolean {
  if (typeof reason === "string") return reason !== "unknown";
  if (typeof reason !== "object" || reason === null) return false;
  const { unified, raw } = reason as { unified?: unknown; raw?: unknown };
  if (unified === "interrupted") return false;
  return raw !== undefined || (unified !== undefined && unified !== "other");
}
