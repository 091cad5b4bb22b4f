export { ApiModel, type ApiModelOptions, type RetryEvent } from "./api-model.js";
export { cleanMessages } from "./clean-messages.js";
export type { CompletionMessage, CompletionRequest } from "./completion-request.js";
export { defaultToModelApiError, isNetworkError } from "./error-mapping.js";
export { guessImageMediaType, imagePartToUrl, type ResolvedImage, resolveImage } from "./images.js";
export * from "./messages.js";
export type * from "./model.js";
export { PushedStream } from "./pushed-stream.js";
export { RateLimiter } from "./rate-limiter.js";
export {
  decodeRemoveParameters,
  encodeRemoveParameters,
  isRemoveParameter,
  overlayCompletionParameters,
  REMOVE_PARAMETER,
  type RemoveParameter,
} from "./remove-parameter.js";
export { RequestScope } from "./request-scope.js";
export { parseRetryAfter, type RetryPolicy, retryDelayMs } from "./retry.js";
export { withoutSecrets } from "./secrets.js";
export { cutAtStopSequences, StopSequenceCutter, supportsStopParameter } from "./stop-sequences.js";
export { streamLocalGeneration } from "./stream-local-generation.js";
export { parseToolCallArguments } from "./tool-call-arguments.js";
