/** @smol/models-llamacpp: local GGUF models with llama.cpp, and grammar-constrained tool calls. */
export { LlamaCppModel, type LlamaCppModelOptions } from "./llama-cpp-model.js";
