export { sharedPromptTemplates, TOOL_CALLING_AGENT_PROMPT_TEMPLATES } from "./defaults.js";
export { FINAL_ANSWER_POST_MESSAGES, FINAL_ANSWER_PRE_MESSAGES } from "./final-answer.js";
export { MANAGED_AGENT_REPORT_PROMPT, MANAGED_AGENT_TASK_PROMPT } from "./managed-agent.js";
export { INITIAL_PLAN_PROMPT, UPDATE_PLAN_POST_MESSAGES, UPDATE_PLAN_PRE_MESSAGES } from "./planning.js";
export {
  checkPromptTemplates,
  getPromptTemplate,
  mergePromptTemplates,
  PROMPT_TEMPLATE_KEYS,
  type PromptTemplateOverrides,
  type PromptTemplates,
} from "./prompt-templates.js";
export { renderTemplate, type TemplateVariables, templatePlaceholders } from "./render-template.js";
export {
  INSTRUCTIONS_SECTION,
  MANAGED_AGENTS_SECTION,
  TOOL_CALLING_AGENT_SYSTEM_PROMPT,
} from "./tool-calling-agent.js";
