/** @smol/models-litellm: LiteLLM-style model ids routed to smol's provider packages, or to a LiteLLM proxy. */
export { LiteLLMModel, type LiteLLMModelOptions } from "./litellm-model.js";
export { type Provider as LiteLLMProvider, providerPackages as liteLLMProviderPackages } from "./route.js";
