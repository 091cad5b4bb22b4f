import type { AgentLogger, LogLevel } from "../logging/index.js";
import type { AgentMemory } from "../memory/agent-memory.js";
import type { StepDict } from "../memory/step-dicts.js";
import type { ActionStep, FinalAnswerStep, PlanningStep, Timing } from "../memory/steps.js";
import type { ImagePart, TokenUsage } from "../models/messages.js";
import type { Model } from "../models/model.js";
import type { PromptTemplateOverrides } from "../prompts/prompt-templates.js";
import type { Tool } from "../tools/tool.js";
import type { AgentContext } from "./agent-context.js";
import type { AgentSession } from "./agent-session.js";
import type { ApprovalHandler } from "./approvals.js";
// Type-only, for `managedAgents`: a manager keeps its managed agents as agents (`agent.managedAgents`).
import type { MultiStepAgent } from "./multi-step-agent.js";
import type { OutputSchema } from "./output-schema.js";

/**
 * Decides whether a final answer may end the run. Return `false` (or throw) to reject it: the
 * rejection is stored as the step's error, the model reads it, and the run goes on. Called as
 * smolagents calls it, `(answer, memory, agent)`, where the third argument is the run's
 * `AgentContext` (the session's task, step number, memory and state, the agent's name and tools).
 *
 * @example
 * const isInteger: FinalAnswerCheck = (answer) => Number.isInteger(Number(answer));
 */
// Declared as a method so that its parameters are checked bivariantly: a check written before
// sessions, with its third parameter typed as the whole agent, still compiles (the agent has
// every property of an AgentContext, and only those are passed).
export type FinalAnswerCheck = {
  check(answer: unknown, memory: AgentMemory, context: AgentContext): boolean | Promise<boolean>;
}["check"];

/**
 * Called when a step ends, with the step and the run's `AgentContext`; may be async (the run
 * waits). A method type for the same reason as `FinalAnswerCheck`: `(step, agent: MultiStepAgent)`
 * callbacks still compile, and `agent.memory`, `agent.state` read the running session's.
 */
export type StepCallback<Step> = {
  callback(step: Step, context: AgentContext): void | Promise<void>;
}["callback"];

/** Callbacks by step type; each entry is one callback or a list. */
export interface StepCallbacksByType {
  action?: StepCallback<ActionStep> | StepCallback<ActionStep>[];
  planning?: StepCallback<PlanningStep> | StepCallback<PlanningStep>[];
  finalAnswer?: StepCallback<FinalAnswerStep> | StepCallback<FinalAnswerStep>[];
}

/** A list (called after each action step) or callbacks by step type. */
export type StepCallbacks = StepCallback<ActionStep>[] | StepCallbacksByType;

export interface MultiStepAgentOptions<Output = unknown> {
  /** The tools the agent may call. `final_answer` is added unless one of them has that name. */
  tools?: Tool[];
  model: Model;
  /** Extra instructions inserted in the system prompt. */
  instructions?: string;
  /** Steps before the agent must answer from memory. Default 20. */
  maxSteps?: number;
  /** Adds the toolkit's base tools (needs `@smol/tools-toolkit`). */
  addBaseTools?: boolean;
  /** Agents this one can delegate to, each called like a tool; each needs `name` and `description`. */
  managedAgents?: MultiStepAgent<any>[];
  stepCallbacks?: StepCallbacks;
  /** Plan at step 1, then again every `planningInterval` steps. No planning when unset. */
  planningInterval?: number;
  /** Needed to be a managed agent: a valid identifier, the name the manager calls. */
  name?: string;
  /** Needed to be a managed agent: what it does, for the manager. */
  description?: string;
  /** As a managed agent, append a summary of its work to its report. */
  provideRunSummary?: boolean;
  finalAnswerChecks?: FinalAnswerCheck[];
  /**
   * The structure of the final answer: a zod schema, another Standard Schema (valibot, ArkType,
   * …) or a JSON Schema. The system prompt shows it; an answer that does not match is the step's
   * error (`AgentOutputValidationError`), which the model reads before it answers again; and
   * `run()` resolves to the schema's output type (what the schema gave back, defaults applied).
   */
  outputSchema?: OutputSchema<Output>;
  /** `run()` resolves to a `RunResult` instead of the bare answer. */
  returnFullResult?: boolean;
  /** Console verbosity, default `LogLevel.INFO`; ignored when `logger` is given. */
  verbosityLevel?: LogLevel;
  /** Stream the model's output (`stream-delta` events) when the model can. */
  streamOutputs?: boolean;
  /** Replaces some of the default prompt templates, key by key. */
  promptTemplates?: PromptTemplateOverrides;
  logger?: AgentLogger;
}

export interface RunOptions {
  /** Return an async iterable of `AgentEvent`s instead of a promise. */
  stream?: boolean;
  /** Clear the memory first (default). `false` continues the conversation. */
  reset?: boolean;
  /** Images given with the task. */
  images?: ImagePart[];
  /** Values put in `agent.state` and mentioned in the task. */
  additionalArgs?: Record<string, unknown>;
  /** Overrides the agent's `maxSteps` for this run. */
  maxSteps?: number;
  /** Overrides the agent's `returnFullResult` for this run. */
  returnFullResult?: boolean;
  /** Aborts the run: in-flight model and tool calls get the signal, and the run rejects. */
  signal?: AbortSignal;
  /**
   * Decides the tool calls that need approval (`needsApproval`): `true` runs the call, `false`
   * rejects it (the model reads that the user rejected it). The run waits for the answer. Without
   * it, a streamed run waits for `session.approve(id)` / `session.reject(id, reason)` after its
   * `approval-request` event, and a run that is not streamed rejects the call at once (the model
   * reads that nobody could approve it).
   */
  onApproval?: ApprovalHandler;
}

/** What a run produced, with `returnFullResult`; also carried by the `run-end` event. */
export interface RunResult<Output = unknown> {
  /** The final answer; with an `outputSchema`, as the schema gave it back. */
  output: Output;
  /**
   * `max_steps_error` when the answer had to be written from memory after `maxSteps`. `error`
   * only in a `run-end` event, when the run failed or was interrupted (`run()` rejects then).
   */
  state: "success" | "max_steps_error" | "error";
  /** With `state: "error"`: why the run stopped (an `AgentInterruptedError` when interrupted). */
  error?: unknown;
  /** Every memory step of the run, as plain data. */
  steps: StepDict[];
  /**
   * Summed over the session's steps since its memory was last reset (as the step footers and
   * the `Monitor` sum them); undefined when a step did not report its usage.
   */
  tokenUsage: TokenUsage | undefined;
  timing: Timing;
}

/** What a step ends with: the output of its action, and whether it is the final answer. */
export interface ActionOutput {
  output: unknown;
  isFinalAnswer: boolean;
}

/** Passed to each step. */
export interface StepContext {
  signal?: AbortSignal;
  /** The session the step runs in; the agent's default session when not given. */
  session?: AgentSession;
}
