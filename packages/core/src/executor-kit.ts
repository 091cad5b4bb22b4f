/**
 * @smol/core/executor-kit: what an executor package needs to run smol's Python runtime
 * somewhere (a child process, a container, a remote sandbox): the runtime source, the session
 * that speaks the runtime protocol over a transport, the protocol and wire values themselves,
 * the stdin bootstrap, and removal of remote sandboxes when the process ends. Users of smol's
 * agents never need this entry point.
 */

export { authorizedImports, BASE_BUILTIN_MODULES } from "./executors/authorized-imports.js";
export {
  type SpawnRuntimeProcessOptions,
  spawnRuntimeProcess,
} from "./executors/child-process-transport.js";
export { LineChannel } from "./executors/line-channel.js";
export { orderedWriter } from "./executors/ordered-writer.js";
export {
  type HostMessage,
  MAX_PROTOCOL_LINE_LENGTH,
  PROTOCOL_VERSION,
  parseRuntimeLine,
  protocolPrefix,
  type RuntimeMessage,
  type ToolWireSpec,
} from "./executors/protocol.js";
export {
  ownedSandboxRemoval,
  type RemovalRequest,
  removeOnProcessExit,
  type SandboxToRemove,
} from "./executors/remove-on-exit.js";
export {
  DEFAULT_TIMEOUT_SECONDS,
  RuntimeExecutor,
  type RuntimeExecutorOptions,
} from "./executors/runtime-executor.js";
export {
  type RuntimeInfo,
  RuntimeSession,
  type RuntimeSessionOptions,
  type SessionEnd,
} from "./executors/runtime-session.js";
export { readRuntimeSource, runtimeSourcePath } from "./executors/runtime-source.js";
export {
  STDIN_BOOTSTRAP_SOURCE,
  stdinBootstrapCommand,
  stdinBootstrapPayload,
  stdinBootstrapShellCommand,
} from "./executors/stdin-bootstrap.js";
export {
  fromWireValue,
  MalformedValueError,
  TAG_KEY,
  toWireValue,
  type WireValue,
} from "./executors/tagged-values.js";
export type { RuntimeTransport, RuntimeTransportFactory } from "./executors/transport.js";
export { DEFAULT_MAX_PRINT_OUTPUTS_LENGTH, truncateContent } from "./executors/truncate.js";
