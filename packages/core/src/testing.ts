/**
 * @smol/core/testing: the user test kit. `ScriptedModel` replays a script of replies so that an
 * agent's tests run without a model, a key or a network; it depends on no test runner.
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
} from "./testing/scripted-model.js";
