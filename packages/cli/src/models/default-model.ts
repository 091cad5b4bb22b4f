import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { NoModelAvailableError } from "../errors.js";
import { type DownloadProgress, downloadFile } from "./download.js";

/**
 * The model `smolagent` runs when no key, server or model flag says otherwise: Qwen2.5-Coder
 * 1.5B Instruct, quantized to 4 bits (Q4_K_M, about 1.1 GB). Small enough to download once and
 * run on a laptop's CPU, and trained on code, so it writes the Python a CodeAgent needs better
 * than general models of its size.
 */
export const DEFAULT_LOCAL_MODEL = {
  name: "Qwen2.5-Coder-1.5B-Instruct (Q4_K_M)",
  fileName: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
  url: "https://huggingface.co/Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/resolve/main/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
  approximateSize: "1.1 GB",
} as const;

/**
 * Where smol keeps downloaded models: `$SMOL_CACHE_DIR/models`, else
 * `$XDG_CACHE_HOME/smol/models`, else `~/.cache/smol/models`.
 */
export function modelCacheDirectory(environment: NodeJS.ProcessEnv = process.env): string {
  if (environment.SMOL_CACHE_DIR) return join(environment.SMOL_CACHE_DIR, "models");
  const cacheHome = environment.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(cacheHome, "smol", "models");
}

/** The ways to point smol at a model, listed when none could be found. */
export function modelSetupHelp(cacheDirectory: string): string {
  return [
    "Point smol at a model in one of these ways:",
    "  - set HF_TOKEN (Hugging Face Inference Providers; a free account includes credits)",
    "  - set OPENAI_API_KEY, or ANTHROPIC_API_KEY",
    "  - use any OpenAI-compatible server: --model-type OpenAIModel --api-base http://127.0.0.1:8000/v1 --model-id <model>",
    "  - start Ollama (ollama serve, listening on 127.0.0.1:11434, or set OLLAMA_HOST) and pull a model",
    "  - run a GGUF file you have: --model-type LlamaCppModel --model-id /path/to/model.gguf",
    `  - or go online once: the default model (${DEFAULT_LOCAL_MODEL.name}, ${DEFAULT_LOCAL_MODEL.approximateSize})`,
    `    is then downloaded into ${cacheDirectory} and reused offline.`,
    "Keys can also go in a .env file or smol.config.json; see smolagent --help.",
  ].join("\n");
}

/**
 * The default model's file, downloaded into the cache on first use and reused after. Offline
 * with nothing cached, a `NoModelAvailableError` lists the other ways to get a model.
 * `SMOL_DEFAULT_MODEL_URL` replaces the download URL (a mirror, a proxy).
 */
export async function ensureDefaultModel(
  options: {
    environment?: NodeJS.ProcessEnv;
    onStart?: (info: { url: string; destination: string }) => void;
    onProgress?: (progress: DownloadProgress) => void;
    signal?: AbortSignal;
  } = {},
): Promise<string> {
  const environment = options.environment ?? process.env;
  const cacheDirectory = modelCacheDirectory(environment);
  const destination = join(cacheDirectory, DEFAULT_LOCAL_MODEL.fileName);
  if (existsSync(destination)) return destination;
  const url = environment.SMOL_DEFAULT_MODEL_URL || DEFAULT_LOCAL_MODEL.url;
  options.onStart?.({ url, destination });
  try {
    await downloadFile(url, destination, { onProgress: options.onProgress, signal: options.signal });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new NoModelAvailableError(
      `No model is configured, and the default model could not be downloaded: ${reason}.\n${modelSetupHelp(cacheDirectory)}`,
      { cause: error },
    );
  }
  return destination;
}
