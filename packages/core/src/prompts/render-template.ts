import { PromptTemplateError } from "../errors.js";

/** The values a template may refer to. Numbers are written in decimal. */
export type TemplateVariables = Readonly<Record<string, string | number>>;

const placeholderPattern = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Fills the `{{name}}` placeholders of a prompt template. A placeholder without a value is an
 * error, never left in the prompt: a model reading a literal `{{remainingSteps}}` would be
 * misled without anyone noticing.
 *
 * @example
 * renderTemplate("You have {{remainingSteps}} steps left.", { remainingSteps: 3 }); // "You have 3 steps left."
 * renderTemplate("Hi {{nmae}}", { name: "Ada" }, "greeting"); // throws PromptTemplateError
 */
export function renderTemplate(
  template: string,
  variables: TemplateVariables,
  templateName = "template",
): string {
  return template.replace(placeholderPattern, (_placeholder, name: string) => {
    const value = variables[name];
    if (value === undefined) {
      const known = Object.keys(variables).sort();
      throw new PromptTemplateError(
        `The prompt template "${templateName}" uses {{${name}}}, but no value is given for it. ` +
          `Variables available to this template: ${known.length > 0 ? known.join(", ") : "none"}.`,
      );
    }
    return String(value);
  });
}

/** The names of the placeholders a template uses, in order of first use. */
export function templatePlaceholders(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(placeholderPattern)) names.add(match[1]!);
  return [...names];
}
