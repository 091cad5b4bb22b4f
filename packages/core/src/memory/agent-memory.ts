import { AgentLogger, LogLevel } from "../logging/index.js";
import type { ChatMessage } from "../models/messages.js";
import { type StepDict, stepToDict } from "./step-dicts.js";
import { type ActionStep, type PlanningStep, SystemPromptStep, type TaskStep } from "./steps.js";
import { jsonReplacer, stepToMessages } from "./to-messages.js";

/** The steps an agent keeps in memory (the system prompt is held apart). */
export type AgentMemoryStep = TaskStep | ActionStep | PlanningStep;

/**
 * What an agent remembers: its system prompt and the steps of its runs. It is what the model
 * reads at every step (see `toMessages`), and what you inspect after a run.
 *
 * @example
 * await agent.run("What is 2 + 2?");
 * for (const step of agent.memory.steps) if (step.type === "action") console.log(step.observations);
 * agent.memory.replay(); // prints the run again
 */
export class AgentMemory {
  systemPrompt: SystemPromptStep;
  readonly steps: AgentMemoryStep[] = [];

  constructor(systemPrompt = "") {
    this.systemPrompt = new SystemPromptStep(systemPrompt);
  }

  /** Forgets every step (the system prompt stays). */
  reset(): void {
    this.steps.length = 0;
  }

  /** The steps as plain data, without the messages each step sent to the model. */
  getSuccinctSteps(): StepDict[] {
    return this.steps.map((step) => stepToDict(step, { includeModelInput: false }));
  }

  /** The steps as plain data, including the messages each step sent to the model. */
  getFullSteps(): StepDict[] {
    return this.steps.map((step) => stepToDict(step, { includeModelInput: true }));
  }

  /** The memory as the model reads it; see `stepToMessages` for what each step contributes. */
  toMessages(summaryMode = false): ChatMessage[] {
    const messages = stepToMessages(this.systemPrompt, summaryMode);
    for (const step of this.steps) {
      for (const message of stepToMessages(step, summaryMode)) messages.push(message);
    }
    return messages;
  }

  /**
   * Prints the steps again: the task panels, each step's model output and its tool calls,
   * observations and errors, and the plans. `detailed` also prints the messages each step sent
   * to the model. Printed at the ERROR level, so only `LogLevel.OFF` silences it.
   */
  replay(logger: AgentLogger = new AgentLogger({ level: LogLevel.INFO }), detailed = false): void {
    logger.log("Replaying the agent's steps:", LogLevel.ERROR);
    logger.logMarkdown(this.systemPrompt.systemPrompt, { title: "System prompt", level: LogLevel.ERROR });
    for (const step of this.steps) {
      if (step.type === "task") {
        logger.logTask(step.task, { title: "Task", level: LogLevel.ERROR });
      } else if (step.type === "action") {
        logger.logRule(`Step ${step.stepNumber}`, LogLevel.ERROR);
        if (detailed && step.modelInputMessages) logMessages(logger, step.modelInputMessages);
        if (step.modelOutput)
          logger.logMarkdown(step.modelOutput, { title: "Model output", level: LogLevel.ERROR });
        if (step.codeAction) logger.logCode(step.codeAction, { title: "Code", level: LogLevel.ERROR });
        for (const call of step.toolCalls ?? [])
          logger.logToolCall(call.name, call.arguments, LogLevel.ERROR);
        if (step.observations) logger.logObservation(step.observations, LogLevel.ERROR);
        if (step.error) logger.logError(step.error.message);
      } else {
        logger.logRule("Planning step", LogLevel.ERROR);
        if (detailed) logMessages(logger, step.modelInputMessages);
        logger.logMarkdown(step.plan, { title: "Plan", level: LogLevel.ERROR });
      }
    }
  }
}

function logMessages(logger: AgentLogger, messages: readonly ChatMessage[]): void {
  const text = messages
    .map(
      (message) =>
        `[${message.role}]\n${typeof message.content === "string" ? message.content : JSON.stringify(message.content, jsonReplacer)}`,
    )
    .join("\n\n");
  logger.logMarkdown(text, { title: "Messages sent to the model", level: LogLevel.ERROR });
}
