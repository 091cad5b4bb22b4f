import {
  MissingPackageError,
  Tool,
  type ToolCallOptions,
  type ToolInputs,
  type ToolOutputType,
} from "@smol/core";
import { ToolSetupError } from "../errors.js";
import type { FetchFunction } from "../http/fetch.js";
import { loadAudio } from "./audio-source.js";

/**
 * The default model: Whisper base, multilingual, about 75 M parameters. Large enough to
 * transcribe clean speech in the major languages, small enough (~300 MB in fp32, less
 * quantized) to run on a laptop CPU. smolagents uses whisper-large-v3-turbo, which is more
 * accurate but ~10× larger and slow without a GPU: pass
 * `modelId: "onnx-community/whisper-large-v3-turbo"` for it.
 */
export const DEFAULT_SPEECH_MODEL = "onnx-community/whisper-base";

/** Options of `SpeechToTextTool`. */
export interface SpeechToTextToolOptions {
  /** A Transformers.js Whisper model on the Hub (or under `env.localModelPath`); default `DEFAULT_SPEECH_MODEL`. */
  modelId?: string;
  /** Where model files are cached (and looked for); default Transformers.js' `env.cacheDir`. */
  cacheDir?: string;
  /** Never download: use only files already in the cache or under `env.localModelPath`. */
  localFilesOnly?: boolean;
  /** Weights precision, e.g. `"fp32"`, `"q8"`, `"q4"`; default the library's choice. */
  dtype?: string;
  /** e.g. `"cpu"`; default the library's choice. */
  device?: string;
  /** The spoken language (e.g. `"french"`); default detected. */
  language?: string;
  /** `"transcribe"` (default) or `"translate"` (to English). */
  task?: "transcribe" | "translate";
  /** The `fetch` used for audio URLs. */
  fetch?: FetchFunction;
  /** Longest wait for an audio URL, in seconds; default 60. */
  timeoutSeconds?: number;
}

type Transcriber = (audio: Float32Array, options: Record<string, unknown>) => Promise<unknown>;

/**
 * `transcriber(audio)`: transcribes speech to text with Whisper, run locally through
 * Transformers.js (`@huggingface/transformers`, an optional peer dependency). The audio is a file
 * path, a URL (http, https, file or data) or the bytes of a WAV file; WAV is decoded here (any
 * sample rate and channel count, PCM or float), other formats must be converted to WAV first.
 *
 * The model loads on the first call. With no network access to the Hub and no cached copy the
 * call fails with a `ToolSetupError` that names the model and how to make it available.
 *
 * @example
 * const transcriber = new SpeechToTextTool({ language: "french" });
 * await transcriber.call({ audio: "interview.wav" }); // "Bonjour à tous…"
 */
export class SpeechToTextTool extends Tool {
  name = "transcriber";
  description = "Transcribes speech from an audio file into text. Returns the transcribed text.";
  inputs = {
    audio: {
      type: "audio",
      description: "The audio to transcribe: a WAV file path, a URL, or the audio bytes.",
    },
  } satisfies ToolInputs;
  outputType: ToolOutputType = "string";

  readonly modelId: string;
  readonly #options: SpeechToTextToolOptions;
  #transcriber: Transcriber | undefined;

  constructor(options: SpeechToTextToolOptions = {}) {
    super();
    this.modelId = options.modelId ?? DEFAULT_SPEECH_MODEL;
    this.#options = options;
  }

  /** Loads Transformers.js and the Whisper model (downloading it unless `localFilesOnly`). */
  override async setup(): Promise<void> {
    let transformers: typeof import("@huggingface/transformers");
    try {
      transformers = await import("@huggingface/transformers");
    } catch (error) {
      const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
      const missing =
        (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
        String(message).includes("@huggingface/transformers");
      if (missing)
        throw new MissingPackageError("@huggingface/transformers", "SpeechToTextTool", { cause: error });
      throw new ToolSetupError(
        `@huggingface/transformers is installed but could not be loaded: ${String(message ?? error)}`,
        {
          cause: error,
        },
      );
    }
    const options = this.#options;
    const loadOptions: Record<string, unknown> = {};
    if (options.cacheDir !== undefined) loadOptions.cache_dir = options.cacheDir;
    if (options.localFilesOnly) loadOptions.local_files_only = true;
    if (options.dtype !== undefined) loadOptions.dtype = options.dtype;
    if (options.device !== undefined) loadOptions.device = options.device;
    // Transformers.js 4.3 reads the model's config with its global settings before it looks at
    // these options (so offline, or with another cache, it would still go to the Hub): apply them
    // to `env` too while the model loads, and put `env` back afterwards.
    const { env } = transformers;
    const saved = { cacheDir: env.cacheDir, allowRemoteModels: env.allowRemoteModels };
    if (options.cacheDir !== undefined) env.cacheDir = options.cacheDir;
    if (options.localFilesOnly) env.allowRemoteModels = false;
    try {
      const pipeline = await transformers.pipeline("automatic-speech-recognition", this.modelId, loadOptions);
      this.#transcriber = pipeline as unknown as Transcriber;
    } catch (error) {
      throw new ToolSetupError(this.#unavailableMessage(error, env), { cause: error });
    } finally {
      env.cacheDir = saved.cacheDir;
      env.allowRemoteModels = saved.allowRemoteModels;
    }
  }

  async forward({ audio }: { audio: unknown }, options: ToolCallOptions = {}): Promise<string> {
    const samples = await loadAudio(audio, {
      fetch: this.#options.fetch ?? ((input, init) => fetch(input, init)),
      timeoutSeconds: this.#options.timeoutSeconds ?? 60,
      maxBytes: 500 * 1024 * 1024,
      signal: options.signal,
    });
    if (samples.length === 0) return "";
    const generation: Record<string, unknown> = { chunk_length_s: 30, stride_length_s: 5 };
    if (this.#options.language !== undefined) generation.language = this.#options.language;
    if (this.#options.task !== undefined) generation.task = this.#options.task;
    const result = await this.#transcriber!(samples, generation);
    const text = Array.isArray(result)
      ? result.map((part) => part?.text ?? "").join(" ")
      : (result as { text?: string })?.text;
    return String(text ?? "").trim();
  }

  #unavailableMessage(error: unknown, env: { cacheDir: string | null; localModelPath: string }): string {
    const cacheDir = env.cacheDir ?? "(none)";
    const reason = error instanceof Error ? error.message : String(error);
    const how = this.#options.localFilesOnly
      ? "Downloads are off (localFilesOnly)."
      : "It could not be downloaded (is the Hugging Face Hub reachable from here?).";
    return (
      `The speech-to-text model "${this.modelId}" is not available: ${how} Cause: ${reason}\n` +
      `To make it available, either run once with network access so that it is cached in ${cacheDir} ` +
      "(set the place with the cacheDir option), or copy the model's folder (config.json, the tokenizer files and onnx/) " +
      `to ${env.localModelPath}${this.modelId} (Transformers.js' env.localModelPath).`
    );
  }
}
