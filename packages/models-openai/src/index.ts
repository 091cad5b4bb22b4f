/** @smol/models-openai: smol models on OpenAI and any OpenAI-compatible server. */
export { OpenAIModel, type OpenAIModelOptions, OpenAIServerModel } from "./openai-model.js";
