import { PromptTemplateError } from "../errors.js";

/**
 * Every prompt an agent sends besides its memory. Each value is a template with `{{name}}`
 * placeholders (see `renderTemplate`).
 *
 * Variables: `systemPrompt` gets the agent's prompt variables (`tools`, `managedAgentsSection`,
 * `instructions`, and more for a CodeAgent); `planning.*` get those plus `task` and, for the
 * update, `remainingSteps`; `managedAgent.task` gets `name` and `task`; `managedAgent.report`
 * gets `name` and `finalAnswer`; `finalAnswer.postMessages` gets `task`.
 */
export interface PromptTemplates {
  systemPrompt: string;
  planning: {
    /** User message asking for a facts survey and a plan before the first step. */
    initialPlan: string;
    /** System message opening a plan update; the memory (summary mode) follows it. */
    updatePlanPreMessages: string;
    /** User message closing a plan update; knows `remainingSteps`. */
    updatePlanPostMessages: string;
  };
  managedAgent: {
    /** Wraps the task a manager gives to a team member. */
    task: string;
    /** Wraps the team member's answer before it goes back to the manager. */
    report: string;
  };
  finalAnswer: {
    /** System message asking for an answer from memory once `maxSteps` is reached. */
    preMessages: string;
    /** User message closing that request; knows `task`. */
    postMessages: string;
  };
}

/** What `promptTemplates` accepts: any subset of the keys, each overriding the default. */
export type PromptTemplateOverrides = {
  [Key in keyof PromptTemplates]?: PromptTemplates[Key] extends string
    ? string
    : Partial<PromptTemplates[Key]>;
};

const templateShape: Record<keyof PromptTemplates, readonly string[] | null> = {
  systemPrompt: null,
  planning: ["initialPlan", "updatePlanPreMessages", "updatePlanPostMessages"],
  managedAgent: ["task", "report"],
  finalAnswer: ["preMessages", "postMessages"],
};

/** The dotted names of every template, e.g. `planning.initialPlan`. */
export const PROMPT_TEMPLATE_KEYS: readonly string[] = Object.entries(templateShape).flatMap(
  ([key, children]) => (children ? children.map((child) => `${key}.${child}`) : [key]),
);

/**
 * Applies `overrides` on top of `defaults`, key by key. An unknown key or a value that is not a
 * string throws `PromptTemplateError` naming the valid keys, so a typo such as `planing` does
 * not silently keep the default.
 *
 * @example
 * const templates = mergePromptTemplates(TOOL_CALLING_AGENT_PROMPT_TEMPLATES, {
 *   finalAnswer: { postMessages: "Answer in French: {{task}}" },
 * });
 */
export function mergePromptTemplates(
  defaults: PromptTemplates,
  overrides: PromptTemplateOverrides = {},
): PromptTemplates {
  // A copy of each group, so the defaults stay untouched; the strings themselves are shared.
  const merged: Record<string, unknown> = {};
  for (const [key, children] of Object.entries(templateShape)) {
    const value = (defaults as unknown as Record<string, unknown>)[key];
    merged[key] = children && typeof value === "object" && value !== null ? { ...value } : value;
  }
  if (typeof overrides !== "object" || overrides === null) {
    throw new PromptTemplateError(
      `promptTemplates must be an object with some of: ${PROMPT_TEMPLATE_KEYS.join(", ")}.`,
    );
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!(key in templateShape)) throw unknownKey(key);
    const children = templateShape[key as keyof PromptTemplates];
    if (children === null) {
      merged[key] = requireString(value, key);
      continue;
    }
    if (typeof value !== "object" || value === null) {
      throw new PromptTemplateError(
        `promptTemplates.${key} must be an object with some of: ${children.join(", ")}; got ${typeof value}.`,
      );
    }
    const group = merged[key] as Record<string, string>;
    for (const [child, text] of Object.entries(value as Record<string, unknown>)) {
      if (text === undefined) continue;
      if (!children.includes(child)) throw unknownKey(`${key}.${child}`);
      group[child] = requireString(text, `${key}.${child}`);
    }
  }
  return checkPromptTemplates(merged as unknown as PromptTemplates);
}

/** Checks that every template of a complete set is present and a string. */
export function checkPromptTemplates(templates: PromptTemplates): PromptTemplates {
  for (const name of PROMPT_TEMPLATE_KEYS) getPromptTemplate(templates, name);
  return templates;
}

/**
 * One template by its dotted name, e.g. `planning.initialPlan`; throws `PromptTemplateError`
 * when it is missing.
 */
export function getPromptTemplate(templates: PromptTemplates, name: string): string {
  let value: unknown = templates;
  for (const part of name.split(".")) {
    value =
      typeof value === "object" && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  }
  if (!PROMPT_TEMPLATE_KEYS.includes(name)) throw unknownKey(name);
  if (typeof value !== "string") {
    throw new PromptTemplateError(
      `The prompt template "${name}" is missing (got ${value === undefined ? "nothing" : typeof value}). ` +
        `A complete set has: ${PROMPT_TEMPLATE_KEYS.join(", ")}.`,
    );
  }
  return value;
}

function unknownKey(name: string): PromptTemplateError {
  return new PromptTemplateError(
    `Unknown prompt template "${name}". The templates that can be set are: ${PROMPT_TEMPLATE_KEYS.join(", ")}.`,
  );
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== "string") {
    throw new PromptTemplateError(`promptTemplates.${name} must be a string template; got ${typeof value}.`);
  }
  return value;
}
