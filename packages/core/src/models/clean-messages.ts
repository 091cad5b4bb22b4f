import type { CompletionMessage } from "./completion-request.js";
import type { ChatMessage, ContentPart, MessageRole } from "./messages.js";

const providerRoles: Record<MessageRole, CompletionMessage["role"]> = {
  system: "system",
  user: "user",
  assistant: "assistant",
  // The agent's memory writes tool calls and observations as text; providers only know three roles.
  "tool-call": "assistant",
  "tool-response": "user",
};

/**
 * Turn the agent's messages into the three roles every provider accepts, merging consecutive
 * messages of one role (several providers reject two user messages in a row). Native `toolCalls`
 * are dropped: the memory already holds them as text, and sending them would oblige the
 * provider to expect matching tool-role answers. Messages left empty are skipped.
 *
 * With `flattenMessagesAsText`, content becomes one string and images are dropped, for servers
 * that only take `content: string`.
 */
export function cleanMessages(
  messages: readonly ChatMessage[],
  options: { flattenMessagesAsText?: boolean } = {},
): CompletionMessage[] {
  const cleaned: { role: CompletionMessage["role"]; parts: ContentPart[] }[] = [];
  for (const message of messages) {
    const parts = options.flattenMessagesAsText
      ? textOnly(contentParts(message.content))
      : contentParts(message.content);
    if (parts.length === 0) continue;
    const role = providerRoles[message.role];
    const previous = cleaned.at(-1);
    if (previous && previous.role === role) appendParts(previous.parts, parts);
    else cleaned.push({ role, parts: [...parts] });
  }
  return cleaned.map(({ role, parts }) => ({
    role,
    content: options.flattenMessagesAsText ? flattenToText(parts) : parts,
  }));
}

function contentParts(content: ChatMessage["content"]): ContentPart[] {
  if (content == null) return [];
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  return content.filter((part) => part.type !== "text" || part.text !== "").map((part) => ({ ...part }));
}

/** Adjacent text parts are joined with a newline, so a merged message reads as one text. */
function appendParts(target: ContentPart[], parts: ContentPart[]): void {
  for (const part of parts) {
    const last = target.at(-1);
    if (part.type === "text" && last?.type === "text")
      target[target.length - 1] = joinText(last.text, part.text);
    else target.push(part);
  }
}

function joinText(first: string, second: string): ContentPart {
  return { type: "text", text: `${first}\n${second}` };
}

/** One message's text in a single part; its images are dropped. */
function textOnly(parts: ContentPart[]): ContentPart[] {
  const text = parts.map((part) => (part.type === "text" ? part.text : "")).join("");
  return text === "" ? [] : [{ type: "text", text }];
}

/** After `textOnly` and merging, a message holds at most one text part. */
function flattenToText(parts: ContentPart[]): string {
  return parts.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}
