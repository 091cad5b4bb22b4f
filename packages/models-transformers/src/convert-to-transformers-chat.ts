import type { ContentPart, ToolSpec } from "@smol/core";
import type { CompletionMessage } from "@smol/core/provider-kit";
import type { ChatTurn } from "./load-pipeline.js";

/**
 * smol's cleaned messages as a Transformers.js chat: one text per message (the text-generation
 * pipeline takes no images), roles as chat templates know them.
 */
export function toTransformersChat(messages: readonly CompletionMessage[]): ChatTurn[] {
  return messages.map((message) => ({ role: message.role, content: textOf(message.content) }));
}

function textOf(content: string | ContentPart[]): string {
  if (typeof content === "string") return content;
  return content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

/** Tools in the shape chat templates render (`{% for tool in tools %}`): OpenAI's function tools. */
export function toTemplateTools(tools: readonly ToolSpec[]): Record<string, unknown>[] {
  return tools.map((tool) => ({
    type: "function",
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));
}
