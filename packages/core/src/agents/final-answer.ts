import { AgentError, AgentMaxStepsError } from "../errors.js";
import type { AgentMemory } from "../memory/agent-memory.js";
import { ActionStep, Timing } from "../memory/steps.js";
import { type ChatMessage, type ImagePart, messageText } from "../models/messages.js";
import type { PromptTemplates } from "../prompts/prompt-templates.js";
import { renderTemplate } from "../prompts/render-template.js";
import type { AgentContext } from "./agent-context.js";
import type { FinalAnswerCheck } from "./agent-options.js";
import type { AgentDetailEvent, AgentEvent } from "./events.js";
import { previewValue } from "./value-text.js";

/**
 * Runs the final answer checks in order. The first one that returns false or throws becomes an
 * `AgentError` whose message tells the model what happened, so it can fix its answer.
 */
export async function checkFinalAnswer(
  answer: unknown,
  checks: readonly FinalAnswerCheck[],
  memory: AgentMemory,
  context: AgentContext,
): Promise<void> {
  for (const [index, check] of checks.entries()) {
    const label = check.name ? `'${check.name}'` : `#${index + 1}`;
    let passed: boolean;
    try {
      passed = await check(answer, memory, context);
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new AgentError(`Final answer check ${label} failed with an error: ${reason}`, { cause: error });
    }
    if (!passed) {
      throw new AgentError(
        `Final answer check ${label} rejected the answer ${previewValue(answer)}. ` +
          "Re-read what the task asks for, then give a corrected final answer.",
      );
    }
  }
}

/**
 * The messages asking for an answer from memory once the steps are used up: the request, the
 * memory without its system prompt, then the task again.
 */
export function finalAnswerMessages(
  templates: PromptTemplates,
  memoryMessages: ChatMessage[],
  task: string,
  images: readonly ImagePart[] = [],
): ChatMessage[] {
  const pre = templates.finalAnswer.preMessages;
  const post = renderTemplate(templates.finalAnswer.postMessages, { task }, "finalAnswer.postMessages");
  return [
    { role: "system", content: images.length > 0 ? [{ type: "text", text: pre }, ...images] : pre },
    ...memoryMessages.filter((message) => message.role !== "system"),
    { role: "user", content: post },
  ];
}

/** What answering from memory needs from the agent. */
export interface AnswerFromMemoryContext {
  templates: PromptTemplates;
  /** The whole memory as messages (its system prompt is left out). */
  memoryMessages: ChatMessage[];
  task: string;
  images?: readonly ImagePart[];
  stepNumber: number;
  maxSteps: number;
  generate: (messages: ChatMessage[]) => AsyncGenerator<AgentEvent | AgentDetailEvent, ChatMessage>;
}

/**
 * `maxSteps` is reached: the model writes an answer from the memory. Returns the step that
 * records it, with an `AgentMaxStepsError` and the answer as its action output.
 */
export async function* answerFromMemory(
  context: AnswerFromMemoryContext,
): AsyncGenerator<AgentEvent | AgentDetailEvent, ActionStep> {
  const startTime = Date.now();
  const inputMessages = finalAnswerMessages(
    context.templates,
    context.memoryMessages,
    context.task,
    context.images,
  );
  const message = yield* context.generate(inputMessages);
  const answer = messageText(message);
  const step = new ActionStep(context.stepNumber, new Timing(startTime, Date.now()));
  step.modelInputMessages = inputMessages;
  step.modelOutputMessage = message;
  step.modelOutput = answer;
  step.actionOutput = answer;
  step.tokenUsage = message.tokenUsage;
  step.error = new AgentMaxStepsError(
    `Reached the maximum number of steps (${context.maxSteps}) without a final answer; the answer was written from memory.`,
  );
  return step;
}
