import type { ActionStep, FinalAnswerStep, PlanningStep, ToolCall } from "../memory/steps.js";
import type { ChatMessageStreamDelta } from "../models/messages.js";

/**
 * What `agent.run(task, { stream: true })` yields, in order for each step:
 * `stream-delta`* (with `streamOutputs`), `planning-step`?, `tool-call`*, `tool-output`*,
 * `action-output`, `action-step`; and `final-answer` once, last.
 */
export type AgentEvent =
  | { type: "stream-delta"; delta: ChatMessageStreamDelta }
  | { type: "planning-step"; step: PlanningStep }
  /** ToolCallingAgent: one per call; CodeAgent: `python_interpreter` with the code as argument. */
  | { type: "tool-call"; toolCall: ToolCall }
  /** ToolCallingAgent: the result of one tool call. */
  | {
      type: "tool-output";
      id: string;
      toolCall: ToolCall;
      output: unknown;
      observation: string;
      isFinalAnswer: boolean;
    }
  | { type: "action-output"; output: unknown; isFinalAnswer: boolean }
  | { type: "action-step"; step: ActionStep }
  | { type: "final-answer"; step: FinalAnswerStep; output: unknown };

export type AgentEventType = AgentEvent["type"];
