import { AgentInterruptedError, type MultiStepAgent, type RunResult } from "@smol/core";
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
 * Runs the agent on the task and follows it through its events only: the live logger shows the
 * model's text as it streams (the console prints the rest from the same events), and `run-end`'s
 * `RunResult` gives the outcome (its state, steps and token totals, the ones the step footers
 * show). When `signal` aborts (Ctrl-C), the model call or code in flight is aborted and the run
 * ends as `interrupted`; the caller stops the sandbox (see `interruptOnSignals`).
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
  let result: RunResult | undefined;
  let error: unknown;
  try {
    for await (const event of agent.run(task, { stream: true, signal })) {
      if (event.type === "stream-delta") logger.streamText(event.delta.content ?? "");
      if (event.type === "run-end") result = event.result;
    }
  } catch (caught) {
    error = caught;
  } finally {
    logger.finish();
  }
  const answered = error === undefined && result !== undefined && result.state !== "error";
  const interrupted = signal.aborted || AgentInterruptedError.isInstance(error);
  if (interrupted && !AgentInterruptedError.isInstance(error)) {
    error = new AgentInterruptedError("The run was interrupted (Ctrl-C).", { cause: error });
  }
  return {
    status: interrupted ? "interrupted" : answered ? "answered" : "failed",
    output: answered ? result?.output : undefined,
    error,
    state: answered && result?.state !== "error" ? result?.state : undefined,
    steps: result?.steps.filter((step) => step.type === "action").length ?? 0,
    tokenUsage: result?.tokenUsage,
    durationSeconds: (Date.now() - startedAt) / 1000,
  };
}
