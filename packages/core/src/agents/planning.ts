import { PlanningStep, Timing } from "../memory/steps.js";
import { type ChatMessage, messageText } from "../models/messages.js";
import type { GenerateOptions } from "../models/model.js";
import type { PromptTemplates } from "../prompts/prompt-templates.js";
import { renderTemplate, type TemplateVariables } from "../prompts/render-template.js";
import type { AgentDetailEvent, AgentEvent } from "./events.js";

/** The stop sequence that ends a plan. */
export const END_PLAN = "<end_plan>";

/** The messages asking for the first plan: one user message. */
export function initialPlanMessages(templates: PromptTemplates, variables: TemplateVariables): ChatMessage[] {
  return [
    {
      role: "user",
      content: renderTemplate(templates.planning.initialPlan, variables, "planning.initialPlan"),
    },
  ];
}

/**
 * The messages asking for an updated plan: the update's opening, the memory in summary mode
 * (facts and observations, without the model's own outputs and older plans), then the closing
 * request, which knows how many steps remain.
 */
export function updatePlanMessages(
  templates: PromptTemplates,
  variables: TemplateVariables,
  memoryMessages: ChatMessage[],
): ChatMessage[] {
  return [
    {
      role: "system",
      content: renderTemplate(
        templates.planning.updatePlanPreMessages,
        variables,
        "planning.updatePlanPreMessages",
      ),
    },
    ...memoryMessages,
    {
      role: "user",
      content: renderTemplate(
        templates.planning.updatePlanPostMessages,
        variables,
        "planning.updatePlanPostMessages",
      ),
    },
  ];
}

/** The model's plan without the end marker (and anything after it, when no stop was applied). */
export function cleanPlanText(text: string): string {
  const end = text.indexOf(END_PLAN);
  return (end === -1 ? text : text.slice(0, end)).trim();
}

/** The plan as the memory keeps it and the model reads it back. */
export function formatPlan(plan: string, task: string, isFirstPlan: boolean): string {
  if (isFirstPlan) return `Here is my facts survey and my plan for the task:\n\`\`\`\n${plan}\n\`\`\``;
  return `The task is still:\n\`\`\`\n${task}\n\`\`\`\n\nHere is my updated facts survey and plan:\n\`\`\`\n${plan}\n\`\`\``;
}

/** What a planning step needs from its agent. */
export interface PlanningContext {
  templates: PromptTemplates;
  /** The agent's prompt variables, with `task` and `remainingSteps`. */
  variables: TemplateVariables;
  isFirstPlan: boolean;
  task: string;
  /** The memory in summary mode, read only for an update. */
  summaryMemory: () => ChatMessage[];
  generate: (
    messages: ChatMessage[],
    options: GenerateOptions,
  ) => AsyncGenerator<AgentEvent | AgentDetailEvent, ChatMessage>;
}

/** Asks the model for the first plan or an updated one; yields its deltas, returns the step. */
export async function* generatePlanningStep(
  context: PlanningContext,
): AsyncGenerator<AgentEvent | AgentDetailEvent, PlanningStep> {
  const startTime = Date.now();
  const inputMessages = context.isFirstPlan
    ? initialPlanMessages(context.templates, context.variables)
    : updatePlanMessages(context.templates, context.variables, context.summaryMemory());
  const message = yield* context.generate(inputMessages, { stopSequences: [END_PLAN] });
  const planText = cleanPlanText(messageText(message));
  return new PlanningStep(
    inputMessages,
    { role: "assistant", content: planText },
    formatPlan(planText, context.task, context.isFirstPlan),
    new Timing(startTime, Date.now()),
    message.tokenUsage,
  );
}
