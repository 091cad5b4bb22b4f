export { AgentMemory, type AgentMemoryStep } from "./agent-memory.js";
export { type ErrorDict, errorToDict, plainValue, type StepDict, stepToDict } from "./step-dicts.js";
export * from "./steps.js";
export { formatToolCalls, PLAN_FOLLOW_UP, RETRY_ADVICE, stepToMessages } from "./to-messages.js";
export { TokenUsageTotals } from "./token-usage.js";
