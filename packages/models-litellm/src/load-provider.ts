import { MissingPackageError, type Model, ModelConfigurationError } from "@smol/core";
import type { ProviderPackage } from "./route.js";

/** What LiteLLMModel needs of a provider package's class. */
export type ProviderModelClass = new (options: Record<string, unknown>) => Model;

/**
 * Load a provider's class from its package, on demand: the packages are optional peer
 * dependencies, so a user installs only the ones they use. A package that is not installed gives
 * a `MissingPackageError` naming it (and the command to add it); a package that is there but
 * misses one of its own dependencies names that one instead.
 *
 * @example
 * const OllamaModel = await loadProviderClass({ packageName: "@smol/models-ollama", className: "OllamaModel" }, "ollama_chat/llama3.2");
 */
export async function loadProviderClass(
  provider: ProviderPackage,
  modelId: string,
): Promise<ProviderModelClass> {
  let module: Record<string, unknown>;
  try {
    module = await importPackage(provider.packageName);
  } catch (error) {
    const missing = missingPackageName(error);
    if (missing === undefined) throw error;
    throw new MissingPackageError(missing, `LiteLLMModel("${modelId}")`, { cause: error });
  }
  const modelClass = module[provider.className];
  if (typeof modelClass !== "function") {
    throw new ModelConfigurationError(
      `The package "${provider.packageName}" has no ${provider.className}: it may be too old for @smol/models-litellm.`,
    );
  }
  return modelClass as ProviderModelClass;
}

/**
 * The specifier is a variable on purpose: a bundler must not pull every provider in, and the
 * type checker must not require packages that are optional.
 */
export function importPackage(packageName: string): Promise<Record<string, unknown>> {
  return import(/* @vite-ignore */ packageName);
}

/** The package a "module not found" error names (ESM's ERR_MODULE_NOT_FOUND, CommonJS's MODULE_NOT_FOUND). */
export function missingPackageName(error: unknown): string | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") return undefined;
  const named = /Cannot find (?:package|module) '([^']+)'/.exec(String(message));
  if (!named || /^[./]/.test(named[1]!)) return undefined;
  // A deep path such as "@scope/name/dist/index.js" belongs to the package "@scope/name".
  const parts = named[1]!.split("/");
  return named[1]!.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}
