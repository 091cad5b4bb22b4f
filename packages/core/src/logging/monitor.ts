import { TokenUsageTotals } from "../memory/token-usage.js";
import type { TokenUsage } from "../models/messages.js";
import type { AgentLogger } from "./agent-logger.js";

/** What the monitor reads from a finished step (an `ActionStep` or `PlanningStep` fits). */
export interface MonitoredStep {
  timing: { duration?: number };
  tokenUsage?: { inputTokens: number; outputTokens: number };
  stepNumber?: number;
}

/**
 * Keeps a run's step durations and token totals, and prints each step's footer.
 *
 * As in smolagents, the footer shows the running totals of the run so far, so the last
 * footer tells what the whole run cost. The totals live in one `TokenUsageTotals`, which the
 * agent also reads for the run's `RunResult`: footer, monitor and result always agree.
 *
 * @example
 * const monitor = new Monitor(model, logger);
 * monitor.updateMetrics(actionStep); // [Step 1: Duration 0.27 seconds | Input tokens: 2,069 | Output tokens: 60]
 * monitor.getTotalTokenCounts(); // { inputTokens: 2069, outputTokens: 60 }
 */
export class Monitor {
  /** One entry per step seen; 0 for a step whose timing had not ended. */
  readonly stepDurations: number[] = [];
  /** The token totals of the steps seen. */
  readonly usage = new TokenUsageTotals();

  constructor(
    readonly trackedModel: { modelId: string } | undefined,
    readonly logger: AgentLogger,
  ) {}

  get totalInputTokens(): number {
    return this.usage.known.inputTokens;
  }

  get totalOutputTokens(): number {
    return this.usage.known.outputTokens;
  }

  /** Adds a finished step to the totals and prints its footer. */
  updateMetrics(step: MonitoredStep): void {
    const duration = step.timing.duration;
    this.stepDurations.push(duration !== undefined && Number.isFinite(duration) ? duration : 0);
    this.usage.add(step.tokenUsage);
    this.logger.logStepFooter({
      stepNumber: step.stepNumber ?? this.stepDurations.length,
      durationSeconds: duration,
      // A step that reported nothing shows no tokens; the others show the running totals of
      // what was reported (the run's total is unknown then: see `tokenUsage`).
      tokenUsage: step.tokenUsage ? this.getTotalTokenCounts() : undefined,
    });
  }

  /** The sums of the token counts that were reported. */
  getTotalTokenCounts(): { inputTokens: number; outputTokens: number } {
    return this.usage.known;
  }

  /** The run's token total, or undefined when a step did not report its usage. */
  get tokenUsage(): TokenUsage | undefined {
    return this.usage.total;
  }

  /** Forgets every step, for a new run. */
  reset(): void {
    this.stepDurations.length = 0;
    this.usage.reset();
  }
}
