import type { AgentError } from "../errors.js";
import type { ChatMessage, ChatMessageToolCall, ImagePart, TokenUsage } from "../models/messages.js";

/** When a step started and ended, in epoch milliseconds. */
export class Timing {
  constructor(
    public startTime: number,
    public endTime?: number,
  ) {}
  /** Seconds between start and end, or undefined while the step runs. */
  get duration(): number | undefined {
    return this.endTime === undefined ? undefined : (this.endTime - this.startTime) / 1000;
  }
  toJSON() {
    return { startTime: this.startTime, endTime: this.endTime, duration: this.duration };
  }
}

/** A tool call as the agent executed it (arguments parsed). */
export interface ToolCall {
  id: string;
  name: string;
  arguments: unknown;
}

/** ToolCallingAgent: what one tool call of a step gave back. Each becomes its own tool response. */
export interface ToolCallResult {
  /** The id of the call it answers. */
  id: string;
  name: string;
  /** The text the model reads: the tool's output, or the error when the call failed. */
  observation: string;
  /** The tool's output, as it returned it (undefined when the call failed). */
  output?: unknown;
  /** Set when the call failed. */
  error?: AgentError;
}

export class TaskStep {
  readonly type = "task" as const;
  constructor(
    public task: string,
    public taskImages: ImagePart[] = [],
  ) {}
}

export class SystemPromptStep {
  readonly type = "system-prompt" as const;
  constructor(public systemPrompt: string) {}
}

export class ActionStep {
  readonly type = "action" as const;
  modelInputMessages?: ChatMessage[];
  toolCalls?: ToolCall[];
  error?: AgentError;
  modelOutputMessage?: ChatMessage;
  modelOutput?: string;
  /** CodeAgent: the code that was run. */
  codeAction?: string;
  observations?: string;
  /** ToolCallingAgent: the result of each tool call, in the order of the calls. */
  toolResults?: ToolCallResult[];
  observationsImages?: ImagePart[];
  actionOutput?: unknown;
  tokenUsage?: TokenUsage;
  isFinalAnswer = false;

  constructor(
    public stepNumber: number,
    public timing: Timing,
  ) {}
}

export class PlanningStep {
  readonly type = "planning" as const;
  constructor(
    public modelInputMessages: ChatMessage[],
    public modelOutputMessage: ChatMessage,
    public plan: string,
    public timing: Timing,
    public tokenUsage?: TokenUsage,
  ) {}
}

/** Emitted last by a run; not stored in memory. */
export class FinalAnswerStep {
  readonly type = "final-answer" as const;
  constructor(public output: unknown) {}
}

export type MemoryStep = TaskStep | ActionStep | PlanningStep | SystemPromptStep;

export type { ChatMessageToolCall };
