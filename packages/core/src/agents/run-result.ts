import { AgentMaxStepsError } from "../errors.js";
import type { AgentMemory } from "../memory/agent-memory.js";
import { Timing } from "../memory/steps.js";
import type { TokenUsage } from "../models/messages.js";
import type { RunResult } from "./agent-options.js";

/** Builds the `RunResult` of a finished run from the memory. */
export function buildRunResult(output: unknown, memory: AgentMemory, startTime: number): RunResult {
  let tokenUsage: TokenUsage | undefined = { inputTokens: 0, outputTokens: 0 };
  for (const step of memory.steps) {
    if (step.type !== "action" && step.type !== "planning") continue;
    // A step without usage makes the total unknown, rather than silently too small.
    if (!step.tokenUsage || !tokenUsage) {
      tokenUsage = undefined;
      break;
    }
    tokenUsage.inputTokens += step.tokenUsage.inputTokens;
    tokenUsage.outputTokens += step.tokenUsage.outputTokens;
  }
  const lastStep = memory.steps.at(-1);
  const state =
    lastStep?.type === "action" && AgentMaxStepsError.isInstance(lastStep.error)
      ? "max_steps_error"
      : "success";
  return {
    output,
    state,
    steps: memory.getFullSteps(),
    tokenUsage,
    timing: new Timing(startTime, Date.now()),
  };
}
