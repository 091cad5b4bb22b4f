export type { AgentContext } from "./agent-context.js";
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
} from "./agent-options.js";
export { AgentSession, type SessionOptions } from "./agent-session.js";
export {
  type BaseToolsFactory,
  type BaseToolsOptions,
  loadBaseTools,
  registerBaseTools,
} from "./base-tools.js";
export * from "./code-agent/index.js";
export type * from "./events.js";
export { ManagedAgentTool } from "./managed-agent-tool.js";
export { MultiStepAgent, stringifyValue } from "./multi-step-agent.js";
export { END_PLAN } from "./planning.js";
export {
  findJsonValues,
  type ParsedToolCall,
  parseToolCallsFromText,
  toolCallsFromMessage,
} from "./tool-call-parsing.js";
export { ToolCallingAgent, type ToolCallingAgentOptions } from "./tool-calling-agent.js";
export {
  observationText,
  runToolCall,
  substituteStateValues,
  type ToolCallContext,
} from "./tool-execution.js";
