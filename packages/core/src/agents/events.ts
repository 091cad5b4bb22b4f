import type { ActionStep, FinalAnswerStep, PlanningStep, ToolCall } from "../memory/steps.js";
import type { ChatMessageStreamDelta } from "../models/messages.js";
import type { RunResult } from "./agent-options.js";

/**
 * What happens in a run. `agent.run(task, { stream: true })` (or `session.run`) yields these,
 * each stamped with its `runId` and `sessionId` (see `RunEvent`), in this order:
 *
 * - `run-start`, once, first;
 * - for each step: `planning-step`? (with `planningInterval`, the plan made before the step),
 *   `step-start`, `stream-delta`* (with `streamOutputs`), `tool-call`*, `tool-output`*
 *   (ToolCallingAgent), `action-output` (when the action ran), `action-step` (always, with the
 *   step as memory keeps it);
 * - after `maxSteps`, one more `step-start` and `action-step`: the answer written from memory;
 * - `final-answer`, when the run has an answer;
 * - `run-end`, once, last: its `result` says how the run ended, also when it failed
 *   (`state: "error"`, then the stream throws the error right after).
 */
export type AgentEvent =
  | { type: "run-start"; task: string }
  | { type: "step-start"; stepNumber: number }
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
  | { type: "final-answer"; step: FinalAnswerStep; output: unknown }
  | { type: "run-end"; result: RunResult };

export type AgentEventType = AgentEvent["type"];

/** Which run of which session an event belongs to. */
export interface RunIds {
  /** New for every run. */
  runId: string;
  /** The session's `id` (an agent's default session has one too). */
  sessionId: string;
}

/** An event as a run yields it: every event carries its run's and session's ids. */
export type RunEvent = AgentEvent & RunIds;
