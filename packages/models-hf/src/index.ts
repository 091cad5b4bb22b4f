/** @smol/models-hf: smol models on Hugging Face Inference Providers and Inference Endpoints. */
export {
  DEFAULT_HF_MODEL_ID,
  InferenceClientModel,
  type InferenceClientModelOptions,
} from "./inference-client-model.js";
