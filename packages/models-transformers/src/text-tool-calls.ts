import type { ChatMessageToolCall } from "@smol/core";

/**
 * Tool calls written as text by a local model, in the two forms chat templates teach: Hermes /
 * Qwen style `<tool_call>{"name": …, "arguments": …}</tool_call>` blocks (several allowed), or one
 * JSON object with a `name` (smolagents reads the span from the first `{` to the last `}`).
 * Arguments stay the text the model wrote, for the agent's `parseToolCallArguments` to check.
 * Text that holds no call gives no call: the agent then tells the model to call a tool.
 *
 * @example
 * parseTextToolCalls('<tool_call>\n{"name": "web_search", "arguments": {"query": "smol"}}\n</tool_call>', "call");
 * // { content: "", toolCalls: [{ id: "call_0", type: "function", function: { name: "web_search", arguments: '{"query": "smol"}' } }] }
 */
export function parseTextToolCalls(
  text: string,
  idPrefix: string,
): { content: string; toolCalls: ChatMessageToolCall[] } {
  const tagged = [...text.matchAll(/<tool_call>([\s\S]*?)(?:<\/tool_call>|$)/g)];
  if (tagged.length > 0) {
    const toolCalls = tagged.flatMap((match, index) => toCall(match[1]!, `${idPrefix}_${index}`));
    const content = text.slice(0, tagged[0]!.index).trim();
    return { content, toolCalls };
  }
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start === -1 || end <= start) return { content: text, toolCalls: [] };
  const toolCalls = toCall(text.slice(start, end + 1), `${idPrefix}_0`);
  return toolCalls.length > 0
    ? { content: text.slice(0, start).trim(), toolCalls }
    : { content: text, toolCalls: [] };
}

function toCall(blob: string, id: string): ChatMessageToolCall[] {
  const name = /"name"\s*:\s*"([^"]+)"/.exec(blob)?.[1];
  if (!name) return [];
  try {
    const parsed = JSON.parse(blob.trim()) as { arguments?: unknown; parameters?: unknown };
    const argumentsValue = parsed.arguments ?? parsed.parameters ?? {};
    return [
      {
        id,
        type: "function",
        function: {
          name,
          arguments: typeof argumentsValue === "string" ? argumentsValue : JSON.stringify(argumentsValue),
        },
      },
    ];
  } catch {
    // Broken JSON: keep what follows "arguments", for the agent to explain the mistake to the model.
    const argumentsText = /"(?:arguments|parameters)"\s*:\s*([\s\S]*?)\}?\s*$/.exec(blob)?.[1] ?? blob;
    return [{ id, type: "function", function: { name, arguments: argumentsText } }];
  }
}
