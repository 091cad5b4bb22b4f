/**
 * Picks the model an example runs on, from the environment, so that every example starts with
 * one command whatever provider you use:
 *
 * - `SMOL_PROVIDER=openai|hf|anthropic|ollama` chooses explicitly;
 * - otherwise the first key found wins: `OPENAI_API_KEY`, `HF_TOKEN`, `ANTHROPIC_API_KEY`;
 *   with none, a local Ollama server (`OLLAMA_HOST`, default `http://127.0.0.1:11434`).
 * - `SMOL_MODEL_ID` overrides the provider's default model.
 *
 * With `--fake`, the example runs against a local fake OpenAI server that replays a script instead.
 */
import type { Model } from "@smol/core";
import { AnthropicModel } from "@smol/models-anthropic";
import { InferenceClientModel } from "@smol/models-hf";
import { OllamaModel } from "@smol/models-ollama";
import { OpenAIModel } from "@smol/models-openai";
import { type FakeOpenAIServerOptions, startFakeOpenAIServer } from "@smol/testing";

export type ProviderName = "openai" | "hf" | "anthropic" | "ollama";

const DEFAULT_MODEL_IDS: Record<ProviderName, string> = {
  openai: "gpt-4o",
  hf: "Qwen/Qwen2.5-Coder-32B-Instruct",
  anthropic: "claude-sonnet-4-5",
  ollama: "qwen2.5-coder:7b",
};

/** A model, and what to do when the example ends (stop the fake server). */
export interface ChosenModel extends AsyncDisposable {
  model: Model;
  /** "openai (gpt-4o)", "fake OpenAI server", … for the example's first line. */
  description: string;
  close(): Promise<void>;
}

export class ProviderChoiceError extends Error {
  override name = "ProviderChoiceError";
}

/** The provider named by `SMOL_PROVIDER`, or guessed from the keys in `environment`. */
export function providerFromEnvironment(environment: NodeJS.ProcessEnv = process.env): ProviderName {
  const named = environment.SMOL_PROVIDER?.trim().toLowerCase();
  if (named) {
    if (named in DEFAULT_MODEL_IDS) return named as ProviderName;
    throw new ProviderChoiceError(
      `SMOL_PROVIDER=${named} is not a provider these examples know: use one of ${Object.keys(DEFAULT_MODEL_IDS).join(", ")}.`,
    );
  }
  if (environment.OPENAI_API_KEY) return "openai";
  if (environment.HF_TOKEN) return "hf";
  if (environment.ANTHROPIC_API_KEY) return "anthropic";
  return "ollama";
}

/** Builds the model of `provider`; the SDKs read their own keys from the environment. */
export function modelFor(provider: ProviderName, modelId = DEFAULT_MODEL_IDS[provider]): Model {
  switch (provider) {
    case "openai":
      return new OpenAIModel({ modelId });
    case "hf":
      return new InferenceClientModel({ modelId });
    case "anthropic":
      return new AnthropicModel({ modelId });
    case "ollama":
      return new OllamaModel({ modelId });
  }
}

export interface ChooseModelOptions {
  /** Use the fake server, with these replies. */
  fake: boolean;
  /** The script of the fake server: replies in order, or a function of each request. */
  fakeReplies: NonNullable<FakeOpenAIServerOptions["replies"]>;
  environment?: NodeJS.ProcessEnv;
}

/**
 * The model for an example run.
 *
 * @example
 * await using chosen = await chooseModel({ fake: process.argv.includes("--fake"), fakeReplies });
 * const agent = new CodeAgent({ tools: [], model: chosen.model });
 */
export async function chooseModel(options: ChooseModelOptions): Promise<ChosenModel> {
  if (options.fake) {
    const server = await startFakeOpenAIServer({ replies: options.fakeReplies });
    const model = new OpenAIModel({ modelId: "gpt-4o", apiBase: server.baseURL, apiKey: "sk-fake" });
    const close = () => server.close();
    return {
      model,
      description: "a fake OpenAI server (scripted replies)",
      close,
      [Symbol.asyncDispose]: close,
    };
  }
  const environment = options.environment ?? process.env;
  const provider = providerFromEnvironment(environment);
  const modelId = environment.SMOL_MODEL_ID?.trim() || DEFAULT_MODEL_IDS[provider];
  const close = async () => {};
  return {
    model: modelFor(provider, modelId),
    description: `${provider} (${modelId})`,
    close,
    [Symbol.asyncDispose]: close,
  };
}
