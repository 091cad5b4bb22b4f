/** @smol/models-ollama: smol models on a local or remote Ollama server. */
export {
  DEFAULT_OLLAMA_HOST,
  DEFAULT_OLLAMA_NUM_CTX,
  OllamaModel,
  type OllamaModelOptions,
} from "./ollama-model.js";
