import type { ContentPart } from "./messages.js";
import type { GenerateOptions, ResponseFormat, ToolSpec } from "./model.js";

/** A message ready for a provider: smol's own roles are mapped away, same-role runs are merged. */
export interface CompletionMessage {
  role: "system" | "user" | "assistant";
  /** A string when the model takes text only (`flattenMessagesAsText`), parts otherwise. */
  content: string | ContentPart[];
}

/**
 * What `ApiModel` hands to a provider: everything the provider needs, in smol's own terms.
 * Each provider translates it to its wire format, then lays `completionParameters` over the
 * result with `overlayCompletionParameters`, so that the user's constructor options win.
 */
export interface CompletionRequest {
  modelId: string;
  messages: CompletionMessage[];
  /** Present only when they are to be sent; otherwise `ApiModel` applies them to the output itself. */
  stopSequences?: string[];
  tools?: ToolSpec[];
  toolChoice?: NonNullable<GenerateOptions["toolChoice"]>;
  responseFormat?: ResponseFormat;
  /**
   * The constructor's completion parameters, in the provider's own spelling (`max_tokens`,
   * `top_p`, …), with `REMOVE_PARAMETER` values still in place. `stop` is not among them:
   * `ApiModel` has already applied it to `stopSequences`.
   */
  completionParameters: Record<string, unknown>;
}
