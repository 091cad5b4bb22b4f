import { ModelConfigurationError } from "@smol/core";
import type { TransformersLoadProgress } from "./progress-bar.js";

/** The part of a Transformers.js tokenizer that TransformersModel uses. */
export interface TokenizerLike {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
  decode(tokenIds: readonly (number | bigint)[], options?: { skip_special_tokens?: boolean }): string;
  apply_chat_template(conversation: ChatTurn[], options?: Record<string, unknown>): unknown;
}

/** One message as Transformers.js chat templates take it. */
export interface ChatTurn {
  role: "system" | "user" | "assistant";
  content: string;
}

/**
 * A text-generation pipeline: what `pipeline("text-generation", …)` from `@huggingface/transformers`
 * returns, or anything that behaves the same — called with a chat and generation options
 * (`max_new_tokens`, `streamer`, `stopping_criteria`, `tools`, …), it resolves to
 * `[{ generated_text: [...chat, { role: "assistant", content }] }]`.
 */
export interface TextGenerationPipelineLike {
  (chat: ChatTurn[], options: Record<string, unknown>): Promise<unknown>;
  tokenizer: TokenizerLike;
  dispose?(): Promise<unknown>;
}

export type TransformersLibrary = typeof import("@huggingface/transformers");

export interface LoadPipelineOptions {
  modelId: string;
  device?: string | Record<string, string>;
  dtype?: string | Record<string, string>;
  cacheDirectory?: string;
  localFilesOnly?: boolean;
  revision?: string;
  onProgress?: (event: TransformersLoadProgress) => void;
}

/**
 * Transformers.js, imported on first use: it loads the ONNX runtime, which a program that never
 * runs a local model should not pay for.
 */
export function importTransformers(): Promise<TransformersLibrary> {
  return import("@huggingface/transformers");
}

/**
 * Builds the text-generation pipeline for `modelId`: its files come from the Hugging Face Hub on
 * first use (reported through `onProgress`) and from the cache afterwards. A failure — no network
 * and nothing cached, a model without ONNX weights, an unknown id — becomes a
 * `ModelConfigurationError` that says what to do.
 */
export async function loadTextGenerationPipeline(
  library: TransformersLibrary,
  options: LoadPipelineOptions,
): Promise<TextGenerationPipelineLike> {
  const cacheDirectory = options.cacheDirectory ?? library.env.cacheDir ?? "the Transformers.js cache";
  try {
    const pipeline = await library.pipeline("text-generation", options.modelId, {
      ...(options.device !== undefined ? { device: options.device as never } : {}),
      ...(options.dtype !== undefined ? { dtype: options.dtype as never } : {}),
      ...(options.cacheDirectory !== undefined ? { cache_dir: options.cacheDirectory } : {}),
      ...(options.localFilesOnly ? { local_files_only: true } : {}),
      ...(options.revision !== undefined ? { revision: options.revision } : {}),
      ...(options.onProgress ? { progress_callback: options.onProgress as never } : {}),
    });
    return pipeline as unknown as TextGenerationPipelineLike;
  } catch (error) {
    const detail = describe(error);
    const offline = /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network/i.test(detail);
    const hint =
      offline || options.localFilesOnly
        ? `A model is downloaded from the Hugging Face Hub on first use, which needs the network, then kept in ${cacheDirectory}; ` +
          "offline, it must be there already (run once online, or copy its files there)."
        : "Check the model id: Transformers.js runs ONNX weights, so pick a model that has them (often an `onnx-community/…` version).";
    throw new ModelConfigurationError(
      `Could not load ${options.modelId} with Transformers.js: ${detail}. ${hint}`,
      {
        cause: error,
      },
    );
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error.message}${cause}`;
}
