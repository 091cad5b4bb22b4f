import { AgentInterruptedError, AgentMaxStepsError, type MultiStepAgent } from "@smol/core";
import type { LiveLogger } from "../output/live-logger.js";

export type RunStatus = "answered" | "failed" | "interrupted";

/** How a run ended, for the exit code and the JSON summary. */
export interface RunOutcome {
  status: RunStatus;
  output?: unknown;
  error?: unknown;
  /** `max_steps_error` when the answer had to be written from memory after `--max-steps`. */
  state?: "success" | "max_steps_error";
  steps: number;
  tokenUsage?: { inputTokens: number; outputTokens: number };
  durationSeconds: number;
}

/**
 * Runs the agent on the task, streaming its events to the live logger. When `signal` aborts
 * (Ctrl-C), the model call or code in flight is aborted and the run ends as `interrupted`; the
 * caller stops the sandbox (see `interruptOnSignals`).
 *
 * @example
 * const outcome = await runTask(agent, "What is 2 + 2?", { logger, signal: interruption.signal });
 */
export async function runTask(
  agent: MultiStepAgent,
  task: string,
  options: { logger: LiveLogger; signal: AbortSignal },
): Promise<RunOutcome> {
  const { logger, signal } = options;
  const startedAt = Date.now();
  let output: unknown;
  let answered = false;
  let error: unknown;
  try {
    for await (const event of agent.run(task, { stream: true, signal })) {
      if (event.type === "stream-delta") logger.streamText(event.delta.content ?? "");
      if (event.type === "final-answer") {
        output = event.output;
        answered = true;
      }
    }
  } catch (caught) {
    error = caught;
  } finally {
    logger.finish();
  }
  const interrupted = signal.aborted || AgentInterruptedError.isInstance(error);
  if (interrupted && !AgentInterruptedError.isInstance(error)) {
    error = new AgentInterruptedError("The run was interrupted (Ctrl-C).", { cause: error });
  }
  return {
    status: interrupted ? "interrupted" : answered ? "answered" : "failed",
    output,
    error,
    state: answered ? runState(agent) : undefined,
    steps: agent.memory.steps.filter((step) => step.type === "action").length,
    tokenUsage: tokenUsage(agent),
    durationSeconds: (Date.now() - startedAt) / 1000,
  };
}

function runState(agent: MultiStepAgent): "success" | "max_steps_error" {
  const last = agent.memory.steps.at(-1);
  return last?.type === "action" && AgentMaxStepsError.isInstance(last.error) ? "max_steps_error" : "success";
}

function tokenUsage(agent: MultiStepAgent): RunOutcome["tokenUsage"] {
  const totals = agent.monitor.getTotalTokenCounts();
  return totals.inputTokens === 0 && totals.outputTokens === 0 ? undefined : totals;
}
