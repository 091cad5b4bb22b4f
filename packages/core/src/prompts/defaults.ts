import { FINAL_ANSWER_POST_MESSAGES, FINAL_ANSWER_PRE_MESSAGES } from "./final-answer.js";
import { MANAGED_AGENT_REPORT_PROMPT, MANAGED_AGENT_TASK_PROMPT } from "./managed-agent.js";
import { INITIAL_PLAN_PROMPT, UPDATE_PLAN_POST_MESSAGES, UPDATE_PLAN_PRE_MESSAGES } from "./planning.js";
import type { PromptTemplates } from "./prompt-templates.js";
import { TOOL_CALLING_AGENT_SYSTEM_PROMPT } from "./tool-calling-agent.js";

/** The templates every agent shares; only the system prompt differs between agent types. */
export function sharedPromptTemplates(systemPrompt: string): PromptTemplates {
  return {
    systemPrompt,
    planning: {
      initialPlan: INITIAL_PLAN_PROMPT,
      updatePlanPreMessages: UPDATE_PLAN_PRE_MESSAGES,
      updatePlanPostMessages: UPDATE_PLAN_POST_MESSAGES,
    },
    managedAgent: { task: MANAGED_AGENT_TASK_PROMPT, report: MANAGED_AGENT_REPORT_PROMPT },
    finalAnswer: { preMessages: FINAL_ANSWER_PRE_MESSAGES, postMessages: FINAL_ANSWER_POST_MESSAGES },
  };
}

/** The ToolCallingAgent's default templates. */
export const TOOL_CALLING_AGENT_PROMPT_TEMPLATES: Readonly<PromptTemplates> = sharedPromptTemplates(
  TOOL_CALLING_AGENT_SYSTEM_PROMPT,
);
