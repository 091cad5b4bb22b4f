import type {
  TokenUsage as BedrockTokenUsage,
  ConverseCommandOutput,
  ConverseStreamOutput,
} from "@aws-sdk/client-bedrock-runtime";
import {
  type ChatMessage,
  type ChatMessageStreamDelta,
  type ChatMessageToolCall,
  ModelApiError,
  type TokenUsage,
} from "@smol/core";

/**
 * A Converse reply as a smol `ChatMessage`: text blocks joined, `toolUse` blocks as tool calls
 * (`toolUseId` is the call id, `input` the arguments), `usage` as token usage. Reasoning blocks
 * stay in `raw`. A `guardrail_intervened` reply is the guardrail's message, returned as content.
 */
export function fromConverseOutput(output: ConverseCommandOutput): ChatMessage {
  const reply = output.output?.message;
  if (!reply) {
    throw new ModelApiError("Amazon Bedrock answered without a message.", {
      isRetryable: false,
      responseBody: output,
    });
  }
  let text = "";
  const toolCalls: ChatMessageToolCall[] = [];
  for (const block of reply.content ?? []) {
    if (block.text !== undefined) text += block.text;
    else if (block.toolUse) {
      toolCalls.push({
        id: block.toolUse.toolUseId ?? `call_${toolCalls.length}`,
        type: "function",
        function: { name: block.toolUse.name ?? "", arguments: toArguments(block.toolUse.input) },
      });
    }
  }
  const message: ChatMessage = { role: "assistant", content: text, raw: output };
  if (toolCalls.length > 0) message.toolCalls = toolCalls;
  const tokenUsage = fromBedrockUsage(output.usage);
  if (tokenUsage) message.tokenUsage = tokenUsage;
  return message;
}

/**
 * An object stays an object; anything else (the model wrote a string, a number) goes on as text,
 * for the agent's `parseToolCallArguments` to explain to the model.
 */
function toArguments(input: unknown): Record<string, unknown> | string {
  if (typeof input === "object" && input !== null && !Array.isArray(input))
    return input as Record<string, unknown>;
  if (typeof input === "string") return input;
  return JSON.stringify(input ?? {});
}

/**
 * Turns ConverseStream events into smol deltas. Tool calls are numbered in their order among the
 * reply's tool blocks (Bedrock numbers all content blocks); their `input` arrives as JSON text
 * fragments, which `aggregateStreamDeltas` joins. `isComplete` tells a finished stream from one
 * cut short: only a finished one has a `messageStop`.
 *
 * @example
 * const translator = new ConverseStreamTranslator();
 * for await (const event of output.stream) { const delta = translator.translate(event); if (delta) yield delta; }
 */
export class ConverseStreamTranslator {
  private readonly toolIndexByBlock = new Map<number, number>();
  private stopped = false;

  get isComplete(): boolean {
    return this.stopped;
  }

  translate(event: ConverseStreamOutput): ChatMessageStreamDelta | undefined {
    if (event.contentBlockStart) {
      const { contentBlockIndex = 0, start } = event.contentBlockStart;
      if (!start?.toolUse) return undefined;
      const index = this.toolIndexByBlock.size;
      this.toolIndexByBlock.set(contentBlockIndex, index);
      return {
        toolCalls: [
          { index, id: start.toolUse.toolUseId, type: "function", function: { name: start.toolUse.name } },
        ],
      };
    }
    if (event.contentBlockDelta) {
      const { contentBlockIndex = 0, delta } = event.contentBlockDelta;
      if (delta?.text) return { content: delta.text };
      if (delta?.toolUse?.input) {
        const index = this.toolIndexByBlock.get(contentBlockIndex);
        if (index === undefined) return undefined;
        return { toolCalls: [{ index, function: { arguments: delta.toolUse.input } }] };
      }
      return undefined;
    }
    if (event.messageStop) {
      this.stopped = true;
      return undefined;
    }
    if (event.metadata) {
      const tokenUsage = fromBedrockUsage(event.metadata.usage);
      return tokenUsage ? { tokenUsage } : undefined;
    }
    const exception =
      event.internalServerException ??
      event.modelStreamErrorException ??
      event.serviceUnavailableException ??
      event.throttlingException ??
      event.validationException;
    // The SDK throws these itself; an SDK that yields them instead still must not end the reply quietly.
    if (exception) throw exception;
    return undefined;
  }
}

function fromBedrockUsage(usage: BedrockTokenUsage | undefined): TokenUsage | undefined {
  if (!usage) return undefined;
  return { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 };
}
