import { z } from "zod";
import {
  AgentError,
  AgentExecutionError,
  AgentGenerationError,
  AgentInterruptedError,
  AgentMaxStepsError,
  AgentOutputValidationError,
  AgentParsingError,
  AgentToolCallError,
  AgentToolExecutionError,
  SessionSnapshotError,
} from "../errors.js";
import {
  fromWireValue,
  MalformedValueError,
  toWireValue,
  type WireValue,
} from "../executors/tagged-values.js";
import type { ChatMessage, ImagePart, TokenUsage } from "../models/messages.js";
import type { AgentMemory, AgentMemoryStep } from "./agent-memory.js";
import {
  ActionStep,
  PlanningStep,
  SystemPromptStep,
  TaskStep,
  Timing,
  type ToolCallResult,
} from "./steps.js";

/**
 * The memory of a session as JSON: the system prompt, and every step with every field
 * `memory.steps` holds. Values are in the runtime protocol's wire encoding (JSON plus tagged
 * values), so bytes, images, dates, maps, sets and big integers come back as they were.
 */
export interface MemorySnapshot {
  systemPrompt: string;
  steps: WireValue[];
}

/** The memory as JSON-safe data (see `MemorySnapshot`). */
export function memoryToSnapshot(memory: AgentMemory): MemorySnapshot {
  return { systemPrompt: memory.systemPrompt.systemPrompt, steps: memory.steps.map(stepToWire) };
}

/**
 * Reads a `MemorySnapshot` back into steps of the real classes, so the model reads them as it
 * read the originals. Throws `SessionSnapshotError` when the data is not of that shape.
 */
export function memoryFromSnapshot(data: unknown): {
  systemPrompt: SystemPromptStep;
  steps: AgentMemoryStep[];
} {
  const envelope = memorySchema.safeParse(data);
  if (!envelope.success) throw snapshotError("memory", envelope.error);
  const steps = envelope.data.steps.map((wire, index) => {
    let decoded: unknown;
    try {
      decoded = fromWireValue(wire);
    } catch (error) {
      if (error instanceof MalformedValueError)
        throw new SessionSnapshotError(
          `The snapshot's memory step ${index + 1} has a malformed value: ${error.message}`,
        );
      throw error;
    }
    const parsed = stepSchema.safeParse(decoded);
    if (!parsed.success) throw snapshotError(`memory step ${index + 1}`, parsed.error);
    return stepFromData(parsed.data);
  });
  return { systemPrompt: new SystemPromptStep(envelope.data.systemPrompt), steps };
}

function snapshotError(where: string, error: z.ZodError): SessionSnapshotError {
  const issue = error.issues[0];
  const path = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
  return new SessionSnapshotError(
    `The snapshot's ${where} is not of the shape session.toJSON() writes${path}: ${issue?.message ?? "invalid"}`,
  );
}

// ---- writing

function stepToWire(step: AgentMemoryStep): WireValue {
  switch (step.type) {
    case "task":
      return encode({ type: step.type, task: step.task, taskImages: step.taskImages });
    case "planning":
      return encode({
        type: step.type,
        modelInputMessages: step.modelInputMessages.map(messageData),
        modelOutputMessage: messageData(step.modelOutputMessage),
        plan: step.plan,
        timing: timingData(step.timing),
        tokenUsage: step.tokenUsage,
      });
    case "action":
      return encode({
        type: step.type,
        stepNumber: step.stepNumber,
        timing: timingData(step.timing),
        modelInputMessages: step.modelInputMessages?.map(messageData),
        toolCalls: step.toolCalls,
        error: step.error ? errorData(step.error) : undefined,
        modelOutputMessage: step.modelOutputMessage ? messageData(step.modelOutputMessage) : undefined,
        modelOutput: step.modelOutput,
        codeAction: step.codeAction,
        observations: step.observations,
        toolResults: step.toolResults?.map((result) => ({
          ...result,
          // The model's view shows a step's error once when a tool result holds the same one.
          error:
            result.error === undefined
              ? undefined
              : result.error === step.error
                ? "step"
                : errorData(result.error),
        })),
        observationsImages: step.observationsImages,
        actionOutput: step.actionOutput,
        tokenUsage: step.tokenUsage,
        isFinalAnswer: step.isFinalAnswer,
      });
  }
}

/** `raw` is the provider's reply: large, provider-specific, never sent back to a model. */
function messageData(message: ChatMessage): Omit<ChatMessage, "raw"> {
  const { raw: _raw, ...rest } = message;
  return rest;
}

function timingData(timing: Timing): { startTime: number; endTime?: number } {
  return { startTime: timing.startTime, endTime: timing.endTime };
}

function errorData(error: AgentError): { name: string; message: string; toolName?: string } {
  const toolName = (error as { toolName?: unknown }).toolName;
  return {
    name: error.name,
    message: error.message,
    toolName: typeof toolName === "string" ? toolName : undefined,
  };
}

/** The wire encoding of plain data, with its `undefined` fields left out rather than made null. */
function encode(value: unknown): WireValue {
  return toWireValue(withoutUndefined(value));
}

function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (typeof value !== "object" || value === null) return value;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value; // bytes, dates, maps, …
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => [key, withoutUndefined(item)]),
  );
}

// ---- reading

const timingSchema = z.object({ startTime: z.number(), endTime: z.number().optional() });
const errorSchema = z.object({ name: z.string(), message: z.string(), toolName: z.string().optional() });
const tokenUsageSchema = z.object({ inputTokens: z.number(), outputTokens: z.number() });
const messageSchema = z.looseObject({ role: z.string(), content: z.unknown() });
const imagesSchema = z.array(z.looseObject({ type: z.literal("image"), image: z.unknown() }));

const stepSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("task"), task: z.string(), taskImages: imagesSchema }),
  z.object({
    type: z.literal("planning"),
    modelInputMessages: z.array(messageSchema),
    modelOutputMessage: messageSchema,
    plan: z.string(),
    timing: timingSchema,
    tokenUsage: tokenUsageSchema.optional(),
  }),
  z.object({
    type: z.literal("action"),
    stepNumber: z.number().int(),
    timing: timingSchema,
    modelInputMessages: z.array(messageSchema).optional(),
    toolCalls: z.array(z.object({ id: z.string(), name: z.string(), arguments: z.unknown() })).optional(),
    error: errorSchema.optional(),
    modelOutputMessage: messageSchema.optional(),
    modelOutput: z.string().optional(),
    codeAction: z.string().optional(),
    observations: z.string().optional(),
    toolResults: z
      .array(
        z.object({
          id: z.string(),
          name: z.string(),
          observation: z.string(),
          output: z.unknown().optional(),
          error: z.union([z.literal("step"), errorSchema]).optional(),
        }),
      )
      .optional(),
    observationsImages: imagesSchema.optional(),
    actionOutput: z.unknown().optional(),
    tokenUsage: tokenUsageSchema.optional(),
    isFinalAnswer: z.boolean(),
  }),
]);

const memorySchema = z.object({ systemPrompt: z.string(), steps: z.array(z.unknown()) });

type StepData = z.infer<typeof stepSchema>;

function stepFromData(data: StepData): AgentMemoryStep {
  if (data.type === "task") return new TaskStep(data.task, data.taskImages as unknown as ImagePart[]);
  if (data.type === "planning") {
    return new PlanningStep(
      data.modelInputMessages as unknown as ChatMessage[],
      data.modelOutputMessage as unknown as ChatMessage,
      data.plan,
      new Timing(data.timing.startTime, data.timing.endTime),
      data.tokenUsage as TokenUsage | undefined,
    );
  }
  const step = new ActionStep(data.stepNumber, new Timing(data.timing.startTime, data.timing.endTime));
  const error = data.error ? errorFromData(data.error) : undefined;
  step.modelInputMessages = data.modelInputMessages as unknown as ChatMessage[] | undefined;
  step.toolCalls = data.toolCalls;
  step.error = error;
  step.modelOutputMessage = data.modelOutputMessage as unknown as ChatMessage | undefined;
  step.modelOutput = data.modelOutput;
  step.codeAction = data.codeAction;
  step.observations = data.observations;
  step.toolResults = data.toolResults?.map(
    (result): ToolCallResult => ({
      ...result,
      error: result.error === "step" ? error : result.error ? errorFromData(result.error) : undefined,
    }),
  );
  step.observationsImages = data.observationsImages as unknown as ImagePart[] | undefined;
  step.actionOutput = data.actionOutput;
  step.tokenUsage = data.tokenUsage;
  step.isFinalAnswer = data.isFinalAnswer;
  return step;
}

/** The errors a step can hold, by name; another name comes back as an `AgentError`. */
const ERRORS: Record<string, (message: string, toolName: string) => AgentError> = {
  AgentError: (message) => new AgentError(message),
  AgentParsingError: (message) => new AgentParsingError(message),
  AgentExecutionError: (message) => new AgentExecutionError(message),
  AgentToolCallError: (message, toolName) => new AgentToolCallError(message, toolName),
  AgentToolExecutionError: (message, toolName) => new AgentToolExecutionError(message, toolName),
  AgentGenerationError: (message) => new AgentGenerationError(message),
  AgentMaxStepsError: (message) => new AgentMaxStepsError(message),
  AgentInterruptedError: (message) => new AgentInterruptedError(message),
  AgentOutputValidationError: (message) => new AgentOutputValidationError(message, []),
};

function errorFromData(data: z.infer<typeof errorSchema>): AgentError {
  const make = Object.hasOwn(ERRORS, data.name) ? ERRORS[data.name]! : ERRORS.AgentError!;
  return make(data.message, data.toolName ?? "");
}
