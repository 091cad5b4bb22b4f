import type { AgentMemory } from "../memory/agent-memory.js";
import type { Tool } from "../tools/tool.js";

/**
 * What a final answer check or a step callback may read of the run it is called from: the
 * session's task, step number, memory and state, and the agent's name and tools; and it may
 * interrupt the run. A narrow view
 * rather than the whole agent, so that several sessions of one agent each hand out their own,
 * and so that the modules calling checks and callbacks need not import the agent class.
 *
 * The agent itself has the same properties (for its default session), so a callback written
 * for smolagents' `(step, agent)` keeps working when it reads `agent.memory` or `agent.state`.
 *
 * @example
 * const stepCallbacks = [(step: ActionStep, context: AgentContext) =>
 *   console.log(`${context.name}: step ${context.stepNumber} of "${context.task}"`)];
 */
export interface AgentContext {
  /** The agent's name, when it has one. */
  readonly name: string | undefined;
  /** The agent's tools by name, `final_answer` included. */
  readonly tools: Readonly<Record<string, Tool>>;
  /** The task of the current (or last) run, with the mention of its additional arguments. */
  readonly task: string | undefined;
  /** The number of the step running (1-based), or of the last one once the run ended. */
  readonly stepNumber: number;
  /** The session's memory: what the model reads at each step. */
  readonly memory: AgentMemory;
  /** The session's state: `additionalArgs`, stored images; tools read values by key. */
  readonly state: Record<string, unknown>;
  /** Stops the session's run at the end of the current step (`AgentInterruptedError`). */
  interrupt(): void;
}
