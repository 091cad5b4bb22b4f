import { AgentMaxStepsError } from "../errors.js";
import { Timing } from "../memory/steps.js";
import type { RunResult } from "./agent-options.js";
import type { AgentSession } from "./agent-session.js";

/**
 * Builds the `RunResult` of a run from its session: the memory's steps, and the token total
 * of the session's monitor (the same totals its step footers printed).
 */
export function buildRunResult(
  session: AgentSession,
  startTime: number,
  outcome: { output: unknown } | { error: unknown },
): RunResult {
  const common = {
    steps: session.memory.getFullSteps(),
    tokenUsage: session.monitor.tokenUsage,
    timing: new Timing(startTime, Date.now()),
  };
  if ("error" in outcome) return { output: undefined, state: "error", error: outcome.error, ...common };
  const lastStep = session.memory.steps.at(-1);
  const state =
    lastStep?.type === "action" && AgentMaxStepsError.isInstance(lastStep.error)
      ? "max_steps_error"
      : "success";
  return { output: outcome.output, state, ...common };
}
