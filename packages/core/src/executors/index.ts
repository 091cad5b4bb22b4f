export { authorizedImports, BASE_BUILTIN_MODULES } from "./authorized-imports.js";
export { type SpawnRuntimeProcessOptions, spawnRuntimeProcess } from "./child-process-transport.js";
export {
  createExecutor,
  EXECUTOR_PACKAGES,
  type ExecutorType,
  importOptionalPackage,
} from "./create-executor.js";
export { LineChannel } from "./line-channel.js";
export { orderedWriter } from "./ordered-writer.js";
export {
  createNonce,
  type HostMessage,
  MAX_PROTOCOL_LINE_LENGTH,
  PROTOCOL_VERSION,
  parseRuntimeLine,
  protocolPrefix,
  type RuntimeMessage,
  runtimeMessageSchema,
  type ToolWireSpec,
} from "./protocol.js";
export type * from "./python-executor.js";
export {
  ownedSandboxRemoval,
  type RemovalRequest,
  removeOnProcessExit,
  type SandboxToRemove,
} from "./remove-on-exit.js";
export { DEFAULT_TIMEOUT_SECONDS, RuntimeExecutor, type RuntimeExecutorOptions } from "./runtime-executor.js";
export {
  type RuntimeInfo,
  RuntimeSession,
  type RuntimeSessionOptions,
  type SessionEnd,
} from "./runtime-session.js";
export { readRuntimeSource, runtimeSourcePath } from "./runtime-source.js";
export {
  STDIN_BOOTSTRAP_SOURCE,
  stdinBootstrapCommand,
  stdinBootstrapPayload,
  stdinBootstrapShellCommand,
} from "./stdin-bootstrap.js";
export { fromWireValue, MalformedValueError, TAG_KEY, toWireValue, type WireValue } from "./tagged-values.js";
export { answerToolCall, toolWireSpec } from "./tool-bridge.js";
export type * from "./transport.js";
export { DEFAULT_MAX_PRINT_OUTPUTS_LENGTH, truncateContent } from "./truncate.js";
