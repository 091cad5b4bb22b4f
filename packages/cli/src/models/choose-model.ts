import { CliUsageError } from "../errors.js";
import type { AgentSettings } from "../settings/settings.js";
import { suggestion } from "../suggestion.js";
import {
  findModelType,
  MODEL_TYPE_NAMES,
  type ModelFlags,
  type ModelTypeEntry,
  PLACEHOLDER_API_KEY,
} from "./model-types.js";

/** The model the run will use, and why it was picked (shown to the user). */
export interface ModelChoice {
  entry: ModelTypeEntry;
  flags: ModelFlags;
  /** e.g. "from --model-type", "HF_TOKEN is set". */
  reason: string;
  /** The embedded default: its file is downloaded before the run. */
  isEmbeddedDefault: boolean;
  /** No key was given for the server at `--api-base`: it gets a placeholder (see `keyOptionalWithApiBase`). */
  withoutKey?: boolean;
}

export interface ModelEnvironment {
  environment: NodeJS.ProcessEnv;
  /** The models of the Ollama server answering at OLLAMA_HOST (or 127.0.0.1:11434); undefined when none answers. */
  probeOllama(): Promise<string[] | undefined>;
}

/**
 * Picks the model class for the settings. A `--model-type` wins; `--api-base` alone means an
 * OpenAI-compatible server; then, in order, HF_TOKEN, OPENAI_API_KEY, ANTHROPIC_API_KEY and a
 * local Ollama server; with none of them, the embedded default (LlamaCppModel on a small code
 * model). Throws `CliUsageError` for an unknown model type or a missing `--model-id`.
 *
 * @example
 * const choice = await chooseModel(settings, { environment: process.env, probeOllama });
 * console.log(`${choice.entry.className} (${choice.reason})`);
 */
export async function chooseModel(settings: AgentSettings, context: ModelEnvironment): Promise<ModelChoice> {
  const flags: ModelFlags = {
    modelId: settings.modelId,
    provider: settings.provider,
    apiBase: settings.apiBase,
    apiKey: settings.apiKey,
  };
  const choice = await pickModelType(settings, flags, context);
  checkChoice(choice);
  supplyPlaceholderKey(choice, context.environment);
  return choice;
}

/** A local server needs no key; the client still wants one, so it gets a placeholder. */
function supplyPlaceholderKey(choice: ModelChoice, environment: NodeJS.ProcessEnv): void {
  const { entry, flags } = choice;
  const keyVariable = entry.apiKeyVariable;
  if (!entry.keyOptionalWithApiBase || flags.apiBase === undefined || flags.apiKey !== undefined) return;
  if (keyVariable && environment[keyVariable]) return;
  choice.flags = { ...flags, apiKey: PLACEHOLDER_API_KEY };
  choice.withoutKey = true;
}

async function pickModelType(
  settings: AgentSettings,
  flags: ModelFlags,
  context: ModelEnvironment,
): Promise<ModelChoice> {
  const make = (className: string, reason: string, extra: Partial<ModelChoice> = {}): ModelChoice => ({
    entry: findModelType(className)!,
    flags,
    reason,
    isEmbeddedDefault: false,
    ...extra,
  });
  if (settings.modelType !== undefined) {
    const entry = findModelType(settings.modelType);
    if (!entry) {
      throw new CliUsageError(
        `Unknown model type "${settings.modelType}"${suggestion(settings.modelType, MODEL_TYPE_NAMES)}; ` +
          `the model types are ${MODEL_TYPE_NAMES.join(", ")}.`,
      );
    }
    return { entry, flags, reason: "from --model-type", isEmbeddedDefault: false };
  }
  if (flags.apiBase !== undefined) return make("OpenAIModel", "--api-base names an OpenAI-compatible server");
  if (flags.modelId?.endsWith(".gguf")) return make("LlamaCppModel", "--model-id is a GGUF file");
  const environment = context.environment;
  if (environment.HF_TOKEN) return make("InferenceClientModel", "HF_TOKEN is set");
  if (environment.OPENAI_API_KEY) return make("OpenAIModel", "OPENAI_API_KEY is set");
  if (environment.ANTHROPIC_API_KEY) return make("AnthropicModel", "ANTHROPIC_API_KEY is set");
  // A model id with no type and no key reads as smolagents reads it: a model of the Hub.
  if (flags.modelId !== undefined) return make("InferenceClientModel", "--model-id without --model-type");
  const ollamaModels = await context.probeOllama();
  if (ollamaModels && ollamaModels.length > 0) {
    return make("OllamaModel", "an Ollama server answers", { flags: { ...flags, modelId: ollamaModels[0] } });
  }
  return make("LlamaCppModel", "no key or local server found: the embedded default model", {
    isEmbeddedDefault: true,
  });
}

function checkChoice(choice: ModelChoice): void {
  const { entry, flags } = choice;
  if (!choice.isEmbeddedDefault && entry.requiresModelId && !flags.modelId && !entry.defaultModelId) {
    throw new CliUsageError(`${entry.className} needs --model-id (the model to use).`);
  }
  if (!flags.modelId && entry.defaultModelId) choice.flags = { ...flags, modelId: entry.defaultModelId };
}

/**
 * Asks an Ollama server which models it has (`GET /api/tags`), giving up after `timeoutMs`.
 * Undefined when nothing answers there.
 */
export async function probeOllama(
  environment: NodeJS.ProcessEnv = process.env,
  timeoutMs = 800,
): Promise<string[] | undefined> {
  const host = ollamaHost(environment);
  try {
    const response = await fetch(new URL("/api/tags", host), { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { models?: { name?: unknown; model?: unknown }[] };
    return (body.models ?? [])
      .map((model) => model.name ?? model.model)
      .filter((name): name is string => typeof name === "string" && name !== "");
  } catch {
    return undefined;
  }
}

/** OLLAMA_HOST as Ollama reads it (`host:port`, with or without a scheme), or 127.0.0.1:11434. */
export function ollamaHost(environment: NodeJS.ProcessEnv = process.env): string {
  const configured = environment.OLLAMA_HOST?.trim();
  if (!configured) return "http://127.0.0.1:11434";
  return /^https?:\/\//.test(configured) ? configured : `http://${configured}`;
}
