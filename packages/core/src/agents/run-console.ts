import { AgentMaxStepsError } from "../errors.js";
import { type AgentLogger, LogLevel } from "../logging/agent-logger.js";
import type { AgentDetailEvent, AgentEvent } from "./events.js";
import { formatPythonValue } from "./value-text.js";

/** What the console needs to know of the run beyond the event itself. */
export interface RunConsoleContext {
  /** The panel title of the task: the agent's name. */
  title: string | undefined;
  /** "<ModelClass> - <modelId>". */
  subtitle: string;
  /** How many steps the session's memory holds before the event's step is added to it. */
  memoryLength: number;
  maxSteps: number;
  /**
   * Whether the agent acts in code (a CodeAgent): its one `tool-call` per step is its code,
   * which is printed as code when it runs, not as a tool call panel.
   */
  actsInCode: boolean;
}

/**
 * The console's side of the run: prints what each event says (the task panel, step rules,
 * plans, the model's output at debug level, tool calls and their observations, the code, its
 * logs and output, final answers and step errors), as the run publishes it. The agents print
 * nothing themselves; the step footers are the `Monitor`'s.
 */
export function logRunEvent(
  logger: AgentLogger,
  event: AgentEvent | AgentDetailEvent,
  context: RunConsoleContext,
): void {
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
    case "model-output":
      logger.logMarkdown(event.text, { title: "Output message of the LLM:", level: LogLevel.DEBUG });
      return;
    case "tool-call":
      if (!context.actsInCode) logger.logToolCall(event.toolCall.name, event.toolCall.arguments);
      return;
    case "approval-request":
      logger.log(`Tool '${event.toolName}' needs approval to run (approval id ${event.approvalId}).`);
      return;
    case "tool-output":
      if (event.error) logger.logError(event.observation);
      else logger.logObservation(event.observation);
      return;
    case "code-execution-start":
      logger.logCode(event.code, { title: "Executing parsed code:" });
      return;
    case "code-execution-end": {
      const { result } = event;
      if (!result) return; // the executor failed: the step's error says why
      if (result.logs) logger.logExecutionLogs(result.logs);
      if (!result.error && !result.isFinalAnswer) logger.log(`Out: ${formatPythonValue(result.output)}`);
      return;
    }
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
