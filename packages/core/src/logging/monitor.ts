import type { AgentLogger } from "./agent-logger.js";

/** What the monitor reads from a finished step (an `ActionStep` or `PlanningStep` fits). */
export interface MonitoredStep {
  timing: { duration?: number };
  tokenUsage?: { inputTokens: number; outputTokens: number };
  stepNumber?: number;
}

function tokenCount(value: number): number {
  // A provider reporting NaN or a negative count must not poison the totals.
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * Keeps a run's step durations and token totals, and prints each step's footer.
 *
 * As in smolagents, the footer shows the running totals of the run so far, so the last
 * footer tells what the whole run cost.
 *
 * @example
 * const monitor = new Monitor(model, logger);
 * monitor.updateMetrics(actionStep); // [Step 1: Duration 0.27 seconds | Input tokens: 2,069 | Output tokens: 60]
 * monitor.getTotalTokenCounts(); // { inputTokens: 2069, outputTokens: 60 }
 */
export class Monitor {
  /** One entry per step seen; 0 for a step whose timing had not ended. */
  readonly stepDurations: number[] = [];
  totalInputTokens = 0;
  totalOutputTokens = 0;

  constructor(
    readonly trackedModel: { modelId: string } | undefined,
    readonly logger: AgentLogger,
  ) {}

  /** Adds a finished step to the totals and prints its footer. */
  updateMetrics(step: MonitoredStep): void {
    const duration = step.timing.duration;
    this.stepDurations.push(duration !== undefined && Number.isFinite(duration) ? duration : 0);
    if (step.tokenUsage) {
      this.totalInputTokens += tokenCount(step.tokenUsage.inputTokens);
      this.totalOutputTokens += tokenCount(step.tokenUsage.outputTokens);
    }
    this.logger.logStepFooter({
      stepNumber: step.stepNumber ?? this.stepDurations.length,
      durationSeconds: duration,
      tokenUsage: step.tokenUsage ? this.getTotalTokenCounts() : undefined,
    });
  }

  getTotalTokenCounts(): { inputTokens: number; outputTokens: number } {
    return { inputTokens: this.totalInputTokens, outputTokens: this.totalOutputTokens };
  }

  /** Forgets every step, for a new run. */
  reset(): void {
    this.stepDurations.length = 0;
    this.totalInputTokens = 0;
    this.totalOutputTokens = 0;
  }
}
