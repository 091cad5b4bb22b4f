import { AgentMaxStepsError } from "../errors.js";
import type { AgentLogger } from "../logging/agent-logger.js";
import type { AgentEvent } from "./events.js";

/** What the console needs to know of the run beyond the event itself. */
export interface RunConsoleContext {
  /** The panel title of the task: the agent's name. */
  title: string | undefined;
  /** "<ModelClass> - <modelId>". */
  subtitle: string;
  /** How many steps the session's memory holds before the event's step is added to it. */
  memoryLength: number;
  maxSteps: number;
}

/**
 * The console's side of the run: prints what an event of the loop says (the task panel, the
 * step rules, plans, final answers and step errors), as the run publishes it. The step footers
 * are the `Monitor`'s; what happens inside a step (code, tool calls, observations, execution
 * logs) is still printed by the agent type that runs it.
 */
export function logRunEvent(logger: AgentLogger, event: AgentEvent, context: RunConsoleContext): void {
  switch (event.type) {
    case "run-start":
      logger.logTask(event.task.trim(), { title: context.title, subtitle: context.subtitle });
      return;
    case "step-start":
      // The answer written from memory after maxSteps has no rule of its own.
      if (event.stepNumber <= context.maxSteps) logger.logRule(`Step ${event.stepNumber}`);
      return;
    case "planning-step":
      // Only the task is in memory before the first plan.
      logger.logPlan(event.step.plan, { initial: context.memoryLength === 1 });
      return;
    case "approval-request":
      logger.log(`Tool '${event.toolName}' needs approval to run (approval id ${event.approvalId}).`);
      return;
    case "action-output":
      if (event.isFinalAnswer) logger.logFinalAnswer(event.output);
      return;
    case "action-step": {
      const { step } = event;
      // A failed tool call was already printed with its observation.
      if (step.error && !step.toolResults?.some((result) => result.error === step.error))
        logger.logError(step.error.message);
      // After maxSteps, the answer written from memory is the run's final answer.
      if (AgentMaxStepsError.isInstance(step.error)) logger.logFinalAnswer(step.actionOutput);
      return;
    }
    default:
      return;
  }
}
