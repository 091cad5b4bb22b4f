import type { SmolError } from "../errors.js";
import type { ChatMessage } from "../models/messages.js";
import type { ActionStep, MemoryStep, PlanningStep, TaskStep, ToolCallResult } from "./steps.js";

/** A memory step as plain data (`JSON.stringify`-able), as `agent.logs` and `RunResult.steps` give it. */
export type StepDict = Record<string, unknown> & { type: MemoryStep["type"] };

/** An error as plain data. */
export interface ErrorDict {
  type: string;
  message: string;
}

/**
 * A memory step as plain data. With `includeModelInput: false` (succinct form) the messages
 * sent to the model are left out: they repeat the whole memory at every step.
 */
export function stepToDict(step: MemoryStep, options: { includeModelInput: boolean }): StepDict {
  switch (step.type) {
    case "system-prompt":
      return { type: step.type, systemPrompt: step.systemPrompt };
    case "task":
      return taskToDict(step);
    case "action":
      return actionToDict(step, options.includeModelInput);
    case "planning":
      return planningToDict(step, options.includeModelInput);
  }
}

function taskToDict(step: TaskStep): StepDict {
  return { type: step.type, task: step.task, taskImages: step.taskImages.map((image) => plainValue(image)) };
}

function actionToDict(step: ActionStep, includeModelInput: boolean): StepDict {
  const dict: StepDict = {
    type: step.type,
    stepNumber: step.stepNumber,
    timing: step.timing.toJSON(),
    toolCalls: step.toolCalls?.map((call) => ({
      id: call.id,
      name: call.name,
      arguments: plainValue(call.arguments),
    })),
    error: step.error ? errorToDict(step.error) : undefined,
    modelOutputMessage: step.modelOutputMessage ? messageToDict(step.modelOutputMessage) : undefined,
    modelOutput: step.modelOutput,
    codeAction: step.codeAction,
    observations: step.observations,
    toolResults: step.toolResults?.map(toolResultToDict),
    observationsImages: step.observationsImages?.map((image) => plainValue(image)),
    actionOutput: plainValue(step.actionOutput),
    tokenUsage: step.tokenUsage ? { ...step.tokenUsage } : undefined,
    isFinalAnswer: step.isFinalAnswer,
  };
  if (includeModelInput) dict.modelInputMessages = step.modelInputMessages?.map(messageToDict);
  return dict;
}

function planningToDict(step: PlanningStep, includeModelInput: boolean): StepDict {
  const dict: StepDict = {
    type: step.type,
    modelOutputMessage: messageToDict(step.modelOutputMessage),
    plan: step.plan,
    timing: step.timing.toJSON(),
    tokenUsage: step.tokenUsage ? { ...step.tokenUsage } : undefined,
  };
  if (includeModelInput) dict.modelInputMessages = step.modelInputMessages.map(messageToDict);
  return dict;
}

function toolResultToDict(result: ToolCallResult): Record<string, unknown> {
  return {
    id: result.id,
    name: result.name,
    observation: result.observation,
    output: plainValue(result.output),
    error: result.error ? errorToDict(result.error) : undefined,
  };
}

/** An error as `{ type, message }`. */
export function errorToDict(error: SmolError | Error): ErrorDict {
  return { type: error.name, message: error.message };
}

function messageToDict(message: ChatMessage): Record<string, unknown> {
  // `raw` is the provider's reply: large, provider-specific and not meant to be kept.
  const { raw: _raw, ...rest } = message;
  return plainValue(rest) as Record<string, unknown>;
}

/**
 * A value as JSON-able data: bytes become base64 strings, errors `{ type, message }`, class
 * instances their own enumerable fields; cycles are cut.
 */
export function plainValue(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "function" || typeof value === "symbol") return undefined;
  if (typeof value !== "object") return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) return errorToDict(value);
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  try {
    if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
      return plainValue((value as { toJSON(): unknown }).toJSON(), seen);
    }
    if (Array.isArray(value)) return value.map((item) => plainValue(item, seen));
    if (value instanceof Map)
      return Object.fromEntries([...value].map(([k, v]) => [String(k), plainValue(v, seen)]));
    if (value instanceof Set) return [...value].map((item) => plainValue(item, seen));
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) result[key] = plainValue(item, seen);
    return result;
  } finally {
    seen.delete(value);
  }
}
