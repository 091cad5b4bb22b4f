import { PromptTemplateError, TOOL_CALLING_AGENT_PROMPT_TEMPLATES } from "@smol/core";
import { describe, expect, it } from "vitest";
import {
  checkPromptTemplates,
  getPromptTemplate,
  mergePromptTemplates,
  PROMPT_TEMPLATE_KEYS,
} from "./prompt-templates.js";
import { renderTemplate, templatePlaceholders } from "./render-template.js";

describe("renderTemplate", () => {
  it("fills placeholders, spaces allowed, numbers written out", () => {
    expect(renderTemplate("{{ task }} in {{remainingSteps}} steps", { task: "Go", remainingSteps: 3 })).toBe(
      "Go in 3 steps",
    );
  });

  it("does not re-read placeholders inside the values", () => {
    expect(renderTemplate("{{a}}", { a: "{{b}}" })).toBe("{{b}}");
  });

  it("names the template, the placeholder and the known variables when a value is missing", () => {
    expect(() => renderTemplate("Hi {{nmae}}", { name: "Ada" }, "greeting")).toThrow(
      /"greeting" uses \{\{nmae\}\}, but no value is given for it\. Variables available to this template: name\./,
    );
  });
});

describe("the default templates", () => {
  it("are complete, and use only the variables the agents give them", () => {
    checkPromptTemplates(TOOL_CALLING_AGENT_PROMPT_TEMPLATES);
    const allowed: Record<string, string[]> = {
      systemPrompt: ["tools", "managedAgentsSection", "instructions"],
      "planning.initialPlan": ["task", "tools", "managedAgentsSection"],
      "planning.updatePlanPreMessages": ["task"],
      "planning.updatePlanPostMessages": ["remainingSteps", "tools", "managedAgentsSection"],
      "managedAgent.task": ["name", "task"],
      "managedAgent.report": ["name", "finalAnswer"],
      "finalAnswer.preMessages": [],
      "finalAnswer.postMessages": ["task"],
    };
    expect(Object.keys(allowed).sort()).toEqual([...PROMPT_TEMPLATE_KEYS].sort());
    for (const key of PROMPT_TEMPLATE_KEYS) {
      expect(
        templatePlaceholders(getPromptTemplate(TOOL_CALLING_AGENT_PROMPT_TEMPLATES, key)).sort(),
      ).toEqual(allowed[key]!.sort());
    }
  });
});

describe("mergePromptTemplates", () => {
  it("overrides one key and keeps the others", () => {
    const merged = mergePromptTemplates(TOOL_CALLING_AGENT_PROMPT_TEMPLATES, {
      managedAgent: { report: "{{finalAnswer}}" },
    });
    expect(merged.managedAgent.report).toBe("{{finalAnswer}}");
    expect(merged.managedAgent.task).toBe(TOOL_CALLING_AGENT_PROMPT_TEMPLATES.managedAgent.task);
    expect(TOOL_CALLING_AGENT_PROMPT_TEMPLATES.managedAgent.report).not.toBe("{{finalAnswer}}");
  });

  it.each([
    [{ systemprompt: "x" }, /Unknown prompt template "systemprompt"/],
    [{ finalAnswer: { pre: "x" } }, /Unknown prompt template "finalAnswer.pre"/],
    [{ systemPrompt: 3 }, /must be a string template/],
    [{ planning: "x" }, /must be an object with some of: initialPlan/],
  ])("rejects %j", (overrides, message) => {
    expect(() => mergePromptTemplates(TOOL_CALLING_AGENT_PROMPT_TEMPLATES, overrides as never)).toThrow(
      message,
    );
    expect(() => mergePromptTemplates(TOOL_CALLING_AGENT_PROMPT_TEMPLATES, overrides as never)).toThrow(
      PromptTemplateError,
    );
  });

  it("reports a missing template of a complete set", () => {
    const incomplete = { ...TOOL_CALLING_AGENT_PROMPT_TEMPLATES, planning: { initialPlan: "x" } } as never;
    expect(() => checkPromptTemplates(incomplete)).toThrow(/"planning.updatePlanPreMessages" is missing/);
  });
});
