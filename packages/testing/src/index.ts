/**
 * @smol/testing: what you need to test an integration with smol without a network or a key —
 * fake servers for every provider smol speaks to, fake remote sandboxes and web services, and
 * helpers for child processes. `ScriptedModel` is re-exported from `@smol/core/testing`. The
 * executor conformance suite needs vitest and lives in `@smol/testing/vitest`.
 */

export {
  messageToDeltas,
  ScriptExhaustedError,
  type ScriptedCall,
  ScriptedModel,
  type ScriptedModelOptions,
  type ScriptedReply,
  type ScriptedToolCall,
  type ScriptFunction,
} from "@smol/core/testing";
export * from "./child-process.js";
export * from "./fake-hub/index.js";
export * from "./fake-openai-server.js";
export * from "./fake-sandboxes/index.js";
export * from "./fake-servers/fake-anthropic-server.js";
export * from "./fake-servers/fake-azure-openai.js";
export * from "./fake-servers/fake-bedrock-server.js";
export * from "./fake-servers/fake-hf-router.js";
export * from "./fake-servers/fake-ollama-server.js";
export { faultPicker } from "./fake-servers/faults.js";
export type { FakeHttpRequest } from "./fake-servers/recording-server.js";
export { seededRandom } from "./fake-servers/seeded-random.js";
export * from "./fake-web/index.js";
