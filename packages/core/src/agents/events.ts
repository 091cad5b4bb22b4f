import type { CodeOutput } from "../executors/python-executor.js";
import type { ActionStep, FinalAnswerStep, PlanningStep, ToolCall } from "../memory/steps.js";
import type { ChatMessage, ChatMessageStreamDelta } from "../models/messages.js";
import type { RunResult } from "./agent-options.js";
import type { ApprovalRequestEvent } from "./approvals.js";

/**
 * What happens in a run. `agent.run(task, { stream: true })` (or `session.run`) yields these,
 * each stamped with its `runId` and `sessionId` (see `RunEvent`), in this order:
 *
 * - `run-start`, once, first;
 * - for each step: `planning-step`? (with `planningInterval`, the plan made before the step),
 *   `step-start`, `stream-delta`* (with `streamOutputs`), `tool-call`*, `approval-request`* (a
 *   call of a tool with `needsApproval`, before it runs: the run waits for the decision),
 *   `tool-output`* (ToolCallingAgent), `action-output` (when the action ran), `action-step`
 *   (always, with the step as memory keeps it);
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
  /**
   * A tool call waits for approval: answer with `session.approve(approvalId)` or
   * `session.reject(approvalId, reason)` (or the run's `onApproval` decides). From a CodeAgent,
   * the call is one the code makes, while the code runs; it then has no `toolCallId`.
   */
  | ApprovalRequestEvent
  /** ToolCallingAgent: the result of one tool call. */
  | {
      type: "tool-output";
      id: string;
      toolCall: ToolCall;
      output: unknown;
      observation: string;
      isFinalAnswer: boolean;
      /** Set when the call failed (the observation then tells the model why). */
      error?: unknown;
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

/**
 * Finer events, for observers only (`agent.onEvent`, e.g. tracing): the run's stream does not
 * yield them, so that its shape above stays as it is. Each start is followed by its end, also
 * when the work failed (`error` is then set, and the error goes on as before).
 *
 * - `model-call-start` / `model-call-end`: every call of the model (steps, plans, the answer
 *   written from memory);
 * - `model-output`: once per action step, after its model call: the text the step acts on;
 * - `code-execution-start` / `code-execution-end` (CodeAgent): the step's code in the executor;
 * - `code-tool-call` / `code-tool-output` (CodeAgent): a tool or managed agent called from that
 *   code, between the two.
 */
export type AgentDetailEvent =
  | { type: "model-call-start"; modelId: string; messages: ChatMessage[] }
  /** The action step's model output as the step reads it (a CodeAgent's with its code block closed). */
  | { type: "model-output"; text: string }
  | { type: "model-call-end"; modelId: string; message?: ChatMessage; error?: unknown }
  | { type: "code-execution-start"; code: string }
  | { type: "code-execution-end"; code: string; result?: CodeOutput; error?: unknown; durationMs: number }
  | { type: "code-tool-call"; toolCall: ToolCall }
  | { type: "code-tool-output"; toolCall: ToolCall; output?: unknown; error?: unknown };

export type AgentDetailEventType = AgentDetailEvent["type"];

/** What `agent.onEvent` listeners receive: every event of the stream, and the detail events. */
export type ObservedEvent = (AgentEvent | AgentDetailEvent) & RunIds;

/**
 * Called with each event as it happens, before the stream yields it. It is not awaited, and a
 * listener that throws or rejects does not disturb the run (its error is logged).
 */
export type AgentEventListener = (event: ObservedEvent) => void | Promise<void>;

const DETAIL_EVENT_TYPES: ReadonlySet<string> = new Set<AgentDetailEventType>([
  "model-call-start",
  "model-call-end",
  "model-output",
  "code-execution-start",
  "code-execution-end",
  "code-tool-call",
  "code-tool-output",
]);

/** Whether an event is one of the detail events (for observers, not for the stream). */
export function isDetailEvent(event: AgentEvent | AgentDetailEvent): event is AgentDetailEvent {
  return DETAIL_EVENT_TYPES.has(event.type);
}
