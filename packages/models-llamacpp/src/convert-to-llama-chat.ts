import { type ContentPart, ModelConfigurationError } from "@smol/core";
import { type CompletionMessage, overlayCompletionParameters } from "@smol/core/provider-kit";
import type { ChatHistoryItem, LLamaChatGenerateResponseOptions } from "node-llama-cpp";

/**
 * smol's cleaned messages as node-llama-cpp's chat history, ending with the empty model turn to
 * be written. The chat wrapper (the model's chat template) turns it into the prompt. Only text
 * goes: llama.cpp models here read no images.
 *
 * @example
 * toChatHistory([{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }]);
 * // [{ type: "system", text: "Be brief." }, { type: "user", text: "Hi" }, { type: "model", response: [] }]
 */
export function toChatHistory(messages: readonly CompletionMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((message): ChatHistoryItem => {
    const text = textOf(message.content);
    if (message.role === "system") return { type: "system", text };
    if (message.role === "user") return { type: "user", text };
    return { type: "model", response: [text] };
  });
  history.push({ type: "model", response: [] });
  return history;
}

function textOf(content: string | ContentPart[]): string {
  if (typeof content === "string") return content;
  return content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

/** Options of `LlamaChat.generateResponse` a user may set, by their node-llama-cpp names. */
const generationOptionNames = new Set([
  "maxTokens",
  "temperature",
  "minP",
  "topK",
  "topP",
  "seed",
  "xtc",
  "trimWhitespaceSuffix",
  "repeatPenalty",
  "dryRepeatPenalty",
  "tokenBias",
  "evaluationPriority",
  "contextShift",
  "customStopTriggers",
  "budgets",
  // A GBNF grammar, as text: smol builds it with the model's llama.cpp.
  "grammar",
]);

/** The spellings other providers use, accepted for the same setting. */
const aliases: Record<string, string> = {
  max_tokens: "maxTokens",
  maxNewTokens: "maxTokens",
  top_p: "topP",
  top_k: "topK",
  min_p: "minP",
};

/**
 * Generation options as the user gave them, under node-llama-cpp's names. Their values are the
 * user's, unchecked here: node-llama-cpp validates them.
 */
export type GenerationParameters = Record<string, unknown> & {
  grammar?: string;
  customStopTriggers?: LLamaChatGenerateResponseOptions["customStopTriggers"];
};

/**
 * The model's completion parameters as generation options, with the stop sequences as custom
 * stop triggers (llama.cpp stops there and leaves them out). `REMOVE_PARAMETER` deletes a key.
 * Unknown keys are refused, since node-llama-cpp would ignore them without a word.
 */
export function toGenerationParameters(
  completionParameters: Record<string, unknown>,
  stopSequences: readonly string[] | undefined,
): GenerationParameters {
  const smolDefaults: Record<string, unknown> = {};
  if (stopSequences && stopSequences.length > 0) smolDefaults.customStopTriggers = [...stopSequences];
  const renamed = Object.fromEntries(
    Object.entries(completionParameters).map(([key, value]) => [aliases[key] ?? key, value]),
  );
  return overlayCompletionParameters(smolDefaults, renamed) as GenerationParameters;
}

/** Throws a `ModelConfigurationError` naming any completion parameter node-llama-cpp does not take. */
export function checkGenerationParameters(parameters: Readonly<Record<string, unknown>>): void {
  for (const key of Object.keys(parameters)) {
    if (key === "stop" || generationOptionNames.has(aliases[key] ?? key)) continue;
    throw new ModelConfigurationError(
      `LlamaCppModel: \`${key}\` is not a generation option of node-llama-cpp, which would ignore it. ` +
        `Options: ${[...generationOptionNames].join(", ")} (max_tokens, top_p, top_k and min_p are accepted too).`,
    );
  }
}
