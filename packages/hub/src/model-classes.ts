import { MissingPackageError, type Model } from "@smol/core";
import { SerializationError } from "./errors.js";
import type { ModuleImporter } from "./module-loader.js";

/** The package that provides each model class an agent folder may name. */
export const MODEL_PACKAGES: Readonly<Record<string, string>> = {
  InferenceClientModel: "@smol/models-hf",
  OpenAIModel: "@smol/models-openai",
  OpenAIServerModel: "@smol/models-openai",
  AzureOpenAIModel: "@smol/models-azure",
  AnthropicModel: "@smol/models-anthropic",
  AmazonBedrockModel: "@smol/models-bedrock",
  LiteLLMModel: "@smol/models-litellm",
  LlamaCppModel: "@smol/models-llamacpp",
  OllamaModel: "@smol/models-ollama",
  MLXModel: "@smol/models-mlx",
  TransformersModel: "@smol/models-transformers",
};

/** A model class as a folder can rebuild it: `fromDict` when it has one, else its constructor. */
export type ModelClass = (new (
  options: Record<string, unknown>,
) => Model) & {
  fromDict?(data: Record<string, unknown>): Model;
};

/**
 * Rebuilds a model from an agent folder's `{ class, data }`: the class comes from `modelClasses`
 * or, by name, from its `@smol/models-*` package (a `MissingPackageError` names the package to
 * install). Secrets are not in `data`: the class reads them from the environment.
 */
export async function rebuildModel(
  description: { class?: unknown; data?: unknown },
  options: { modelClasses?: Record<string, ModelClass>; importModule: ModuleImporter },
): Promise<Model> {
  const className = String(description.class ?? "");
  const data = (description.data ?? {}) as Record<string, unknown>;
  const modelClass =
    options.modelClasses?.[className] ?? (await importModelClass(className, options.importModule));
  const { class: _className, ...constructorOptions } = data;
  return modelClass.fromDict ? modelClass.fromDict(data) : new modelClass(constructorOptions);
}

async function importModelClass(className: string, importModule: ModuleImporter): Promise<ModelClass> {
  const packageName = MODEL_PACKAGES[className];
  if (!packageName) {
    throw new SerializationError(
      `The agent uses a model of class '${className}', which @smol/hub cannot rebuild. ` +
        `Pass { model } to give the agent a model, or { modelClasses: { ${className || "MyModel"}: MyModel } }. ` +
        `Known classes: ${Object.keys(MODEL_PACKAGES).join(", ")}.`,
    );
  }
  let module: Record<string, unknown>;
  try {
    module = (await importModule(packageName)) as Record<string, unknown>;
  } catch (error) {
    if (isModuleNotFound(error)) {
      throw new MissingPackageError(packageName, `Loading an agent that uses ${className}`, { cause: error });
    }
    throw error;
  }
  const modelClass = module[className === "OpenAIServerModel" ? "OpenAIModel" : className];
  if (typeof modelClass !== "function") {
    throw new SerializationError(`${packageName} does not export ${className}: update it.`);
  }
  return modelClass as ModelClass;
}

function isModuleNotFound(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") return true;
  return (
    typeof message === "string" && /cannot find (package|module)|failed to (load|resolve)/i.test(message)
  );
}
