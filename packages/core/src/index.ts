/**
 * @smol/core: agents that think in code. This entry point is the user API: agents, tools, the
 * `Model` interface and its message types, events, memory steps, errors and logging. What a
 * provider package needs is in `@smol/core/provider-kit`, what an executor package needs in
 * `@smol/core/executor-kit`, and the test kit in `@smol/core/testing`.
 *
 * The list is explicit: a name added here is a reviewed decision (the export snapshot test in
 * packages/packaging-tests fails until its snapshot is updated).
 */

export type { AgentContext } from "./agents/agent-context.js";
// Agents
export type {
  ActionOutput,
  FinalAnswerCheck,
  MultiStepAgentOptions,
  RunOptions,
  RunResult,
  StepCallback,
  StepCallbacks,
  StepCallbacksByType,
  StepContext,
} from "./agents/agent-options.js";
export { AgentSession, type SessionOptions } from "./agents/agent-session.js";
export type { ApprovalAnswer, ApprovalHandler, ApprovalRequest } from "./agents/approvals.js";
export {
  type BaseToolsFactory,
  type BaseToolsOptions,
  loadBaseTools,
  registerBaseTools,
} from "./agents/base-tools.js";
export {
  CodeAgent,
  type CodeAgentOptions,
  type CodeAgentSessionOptions,
} from "./agents/code-agent/code-agent.js";
export { CODE_AGENT_PROMPT_TEMPLATES } from "./agents/code-agent/code-agent-prompt.js";
export {
  type CodeBlockTags,
  DEFAULT_CODE_BLOCK_TAGS,
  MARKDOWN_CODE_BLOCK_TAGS,
} from "./agents/code-agent/code-parsing.js";
export type {
  AgentDetailEvent,
  AgentDetailEventType,
  AgentEvent,
  AgentEventListener,
  AgentEventType,
  ObservedEvent,
  RunEvent,
  RunIds,
} from "./agents/events.js";
export { ManagedAgentTool } from "./agents/managed-agent-tool.js";
export { MultiStepAgent } from "./agents/multi-step-agent.js";
export type { InferOutput, OutputSchema, StandardSchemaLike } from "./agents/output-schema.js";
export type { SavedPythonVariables, SessionSnapshot } from "./agents/session-snapshot.js";
export { ToolCallingAgent, type ToolCallingAgentOptions } from "./agents/tool-calling-agent.js";

// Errors
export {
  AgentBusyError,
  AgentConfigurationError,
  AgentError,
  AgentExecutionError,
  AgentGenerationError,
  AgentInterruptedError,
  AgentMaxStepsError,
  AgentOutputValidationError,
  AgentParsingError,
  AgentToolCallError,
  AgentToolExecutionError,
  AgentToolRejectedError,
  ApprovalNotFoundError,
  ExecutorError,
  MissingPackageError,
  ModelApiError,
  ModelConfigurationError,
  PromptTemplateError,
  SessionSnapshotError,
  SmolError,
  ToolDefinitionError,
} from "./errors.js";

// Executors, as an agent's user sees them (writing one: @smol/core/executor-kit)
export { createExecutor, EXECUTOR_PACKAGES, type ExecutorType } from "./executors/create-executor.js";
export type {
  CodeError,
  CodeOutput,
  PythonExecutor,
  PythonExecutorOptions,
  PythonVariables,
  UncarriedVariable,
} from "./executors/python-executor.js";

// Logging
export {
  AgentLogger,
  type AgentLoggerOptions,
  LogLevel,
  type LogOutput,
} from "./logging/agent-logger.js";
export { shouldUseColor } from "./logging/color-support.js";
export { formatValueForDisplay, truncateForDisplay } from "./logging/display-format.js";
export { Monitor, type MonitoredStep } from "./logging/monitor.js";
export { type PythonToken, type PythonTokenKind, tokenizePython } from "./logging/python-highlight.js";

// Memory
export { AgentMemory, type AgentMemoryStep } from "./memory/agent-memory.js";
export type { MemorySnapshot } from "./memory/memory-snapshot.js";
export type { ErrorDict, StepDict } from "./memory/step-dicts.js";
export {
  ActionStep,
  FinalAnswerStep,
  type MemoryStep,
  PlanningStep,
  SystemPromptStep,
  TaskStep,
  Timing,
  type ToolCall,
  type ToolCallResult,
} from "./memory/steps.js";
export { TokenUsageTotals } from "./memory/token-usage.js";

// Models, as an agent's user sees them (writing a provider: @smol/core/provider-kit)
export type { RetryEvent } from "./models/api-model.js";
export {
  addTokenUsage,
  aggregateStreamDeltas,
  type ChatMessage,
  type ChatMessageStreamDelta,
  type ChatMessageToolCall,
  type ContentPart,
  type ImagePart,
  type MessageRole,
  messageText,
  type TextPart,
  type TokenUsage,
  type ToolCallDelta,
} from "./models/messages.js";
export type { GenerateOptions, Model, ResponseFormat, ToolSpec } from "./models/model.js";
export { REMOVE_PARAMETER, type RemoveParameter } from "./models/remove-parameter.js";

// Prompts
export { TOOL_CALLING_AGENT_PROMPT_TEMPLATES } from "./prompts/defaults.js";
export type { PromptTemplateOverrides, PromptTemplates } from "./prompts/prompt-templates.js";

// Tools
export { FinalAnswerTool } from "./tools/final-answer-tool.js";
export {
  FunctionTool,
  type ToolArguments,
  type ToolDefinition,
  type ToolFunction,
  tool,
} from "./tools/function-tool.js";
export { isValidIdentifier, PYTHON_KEYWORDS, RESERVED_TOOL_NAMES } from "./tools/python-names.js";
export { Tool } from "./tools/tool.js";
export type { ForwardArguments } from "./tools/tool-arguments.js";
export { ToolWithInputs } from "./tools/tool-with-inputs.js";
export {
  type JsonSchema,
  type NeedsApproval,
  TOOL_TYPES,
  type ToolCallOptions,
  type ToolDict,
  type ToolInput,
  type ToolInputs,
  type ToolInputType,
  type ToolOutputType,
} from "./tools/types.js";
