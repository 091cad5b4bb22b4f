/**
 * @smol/ai-sdk: smol and the Vercel AI SDK, both ways. `AiSdkModel` makes any AI SDK language
 * model (AI SDK 5, 6 or 7 providers) a smol model; `toUIMessageStream` turns a smol run's events
 * into the UI message stream a `useChat` front end renders.
 */
export { AiSdkModel, type AiSdkModelOptions } from "./ai-sdk-model.js";
export type { AiSdkLanguageModel, AiSdkSpecificationVersion } from "./language-model.js";
export { type SmolUIMessageChunk, UI_MESSAGE_STREAM_HEADERS } from "./ui-message-chunks.js";
export {
  toUIMessageStream,
  toUIMessageStreamResponse,
  type UIMessageStreamOptions,
} from "./ui-message-stream.js";
