/** @smol/models-azure: smol models on Azure OpenAI deployments. */
export { AzureOpenAIModel, type AzureOpenAIModelOptions } from "./azure-openai-model.js";
