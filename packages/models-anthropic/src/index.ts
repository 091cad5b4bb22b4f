/** @smol/models-anthropic: smol models on Anthropic's Messages API. */
export {
  AnthropicModel,
  type AnthropicModelOptions,
  DEFAULT_ANTHROPIC_MAX_TOKENS,
} from "./anthropic-model.js";
