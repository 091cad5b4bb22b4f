import type { LanguageModelV2, LanguageModelV3, LanguageModelV4 } from "@ai-sdk/provider";
import { ModelConfigurationError } from "@smol/core";

/**
 * An AI SDK language model of any specification smol speaks: v2 (the providers of AI SDK 5),
 * v3 (AI SDK 6) and v4 (AI SDK 7). Users often have providers of several majors side by side.
 */
export type AiSdkLanguageModel = LanguageModelV2 | LanguageModelV3 | LanguageModelV4;

export type AiSdkSpecificationVersion = AiSdkLanguageModel["specificationVersion"];

const supportedVersions: readonly string[] = ["v2", "v3", "v4"];

/**
 * Checks at run time what the types promise, since the model often comes from untyped code or
 * from a provider of an older major (v1, AI SDK 4), whose call shapes differ throughout.
 */
export function checkLanguageModel(model: unknown): AiSdkLanguageModel {
  const candidate = model as Partial<AiSdkLanguageModel> | null | undefined;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    typeof candidate.doGenerate !== "function" ||
    typeof candidate.doStream !== "function"
  ) {
    throw new ModelConfigurationError(
      'AiSdkModel needs an AI SDK language model, e.g. new AiSdkModel(openai.chat("gpt-4o")).',
    );
  }
  const version = String(candidate.specificationVersion);
  if (!supportedVersions.includes(version)) {
    throw new ModelConfigurationError(
      `AiSdkModel supports AI SDK language models of specification v2, v3 and v4 (AI SDK 5, 6 and 7); ` +
        `${candidate.provider ?? "this provider"} implements ${version}. Upgrade the provider package.`,
    );
  }
  return candidate as AiSdkLanguageModel;
}
