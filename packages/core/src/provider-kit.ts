/**
 * @smol/core/provider-kit: what a model provider package needs. `ApiModel` is the base class
 * (retries, rate limits, `REMOVE_PARAMETER`, stop sequences); the rest are the helpers every
 * provider shares, so that each maps the same way between smol's messages and its wire format.
 * Users of smol's agents never need this entry point.
 */

export { isRetryableStatus } from "./errors.js";
export { ApiModel, type ApiModelOptions } from "./models/api-model.js";
export type { CompletionMessage, CompletionRequest } from "./models/completion-request.js";
export { defaultToModelApiError, isNetworkError } from "./models/error-mapping.js";
export { imagePartToUrl, type ResolvedImage, resolveImage } from "./models/images.js";
export { PushedStream } from "./models/pushed-stream.js";
export {
  decodeRemoveParameters,
  encodeRemoveParameters,
  isRemoveParameter,
  overlayCompletionParameters,
} from "./models/remove-parameter.js";
export { RequestScope } from "./models/request-scope.js";
export { parseRetryAfter, type RetryPolicy } from "./models/retry.js";
export { withoutSecrets } from "./models/secrets.js";
export { cutAtStopSequences, StopSequenceCutter, supportsStopParameter } from "./models/stop-sequences.js";
export { streamLocalGeneration } from "./models/stream-local-generation.js";
export { parseToolCallArguments } from "./models/tool-call-arguments.js";
