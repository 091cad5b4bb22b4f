import { access } from "node:fs/promises";
import { ModelConfigurationError } from "@smol/core";
import type { Llama, LlamaModel, LlamaModelOptions, LlamaOptions } from "node-llama-cpp";

export interface LoadLlamaModelOptions {
  modelPath?: string;
  modelUri?: string;
  cacheDirectory?: string;
  onDownloadProgress?: (progress: { downloadedBytes: number; totalBytes: number }) => void;
  gpu?: LlamaOptions["gpu"];
  gpuLayers?: LlamaModelOptions["gpuLayers"];
  llama?: Llama;
}

/**
 * Finds (or downloads) the GGUF file, starts llama.cpp and loads the model. Every failure a user
 * can fix — a wrong path, no network for a download, no llama.cpp binary for this platform, a
 * file that is not a model — becomes a `ModelConfigurationError` that says what to do.
 *
 * node-llama-cpp is an ES module only: it is imported dynamically, so that the CommonJS build of
 * this package loads on Node 20 too.
 */
export async function loadLlamaModel(
  options: LoadLlamaModelOptions,
): Promise<{ llama: Llama; model: LlamaModel; ownsLlama: boolean }> {
  const nodeLlamaCpp = await import("node-llama-cpp");
  const modelPath = await resolveModelPath(options, nodeLlamaCpp.resolveModelFile);
  let llama = options.llama;
  const ownsLlama = llama === undefined;
  if (!llama) {
    try {
      // Never compile llama.cpp from source behind the user's back: use the prebuilt binaries.
      llama = await nodeLlamaCpp.getLlama({ gpu: options.gpu ?? "auto", build: "never" });
    } catch (error) {
      throw new ModelConfigurationError(
        `Could not start llama.cpp (${messageOf(error)}). node-llama-cpp ships prebuilt binaries for ` +
          "linux (x64, arm64), macOS and Windows; on another platform build one with `npx --no node-llama-cpp source download`.",
        { cause: error },
      );
    }
  }
  try {
    const model = await llama.loadModel({
      modelPath,
      ...(options.gpuLayers !== undefined ? { gpuLayers: options.gpuLayers } : {}),
    });
    return { llama, model, ownsLlama };
  } catch (error) {
    if (ownsLlama) await llama.dispose();
    throw new ModelConfigurationError(
      `llama.cpp could not load the model at ${modelPath}: ${messageOf(error)}`,
      {
        cause: error,
      },
    );
  }
}

async function resolveModelPath(
  options: LoadLlamaModelOptions,
  resolveModelFile: typeof import("node-llama-cpp").resolveModelFile,
): Promise<string> {
  if (options.modelPath !== undefined) {
    try {
      await access(options.modelPath);
    } catch {
      throw new ModelConfigurationError(
        `No GGUF model file at ${options.modelPath}. Give the path of a .gguf file, or a modelUri such as "hf:<user>/<repo>:<quant>" to download one.`,
      );
    }
    return options.modelPath;
  }
  const uri = options.modelUri!;
  const report = options.onDownloadProgress;
  try {
    return await resolveModelFile(uri, {
      ...(options.cacheDirectory ? { directory: options.cacheDirectory } : {}),
      // node-llama-cpp draws its own progress bar; a callback replaces it.
      cli: report === undefined && Boolean(process.stderr.isTTY),
      ...(report
        ? {
            onProgress: ({ downloadedSize, totalSize }) =>
              report({ downloadedBytes: downloadedSize, totalBytes: totalSize }),
          }
        : {}),
    });
  } catch (error) {
    throw new ModelConfigurationError(
      `Could not get the model ${uri}: ${messageOf(error)}. It is downloaded on first use, which needs the network ` +
        "(and HF_TOKEN for a gated model); to run offline, download the .gguf file elsewhere and pass its `modelPath`.",
      { cause: error },
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
