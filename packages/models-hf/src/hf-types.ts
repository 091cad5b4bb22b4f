import type { chatCompletion, chatCompletionStream } from "@huggingface/inference";

// `@huggingface/inference` takes these types from `@huggingface/tasks` without re-exporting
// them; deriving them from its functions keeps `@huggingface/inference` our only dependency.

/** The arguments of `InferenceClient.chatCompletion`: routing fields plus the OpenAI-style body. */
export type HFChatCompletionArguments = Parameters<typeof chatCompletion>[0];
export type HFChatCompletionOutput = Awaited<ReturnType<typeof chatCompletion>>;
export type HFChatCompletionChunk =
  ReturnType<typeof chatCompletionStream> extends AsyncGenerator<infer Chunk> ? Chunk : never;
export type HFChatMessage = HFChatCompletionArguments["messages"][number];
export type HFContentChunk = Exclude<NonNullable<HFChatMessage["content"]>, string>[number];
export type HFTool = NonNullable<HFChatCompletionArguments["tools"]>[number];
export type HFResponseFormat = NonNullable<HFChatCompletionArguments["response_format"]>;
