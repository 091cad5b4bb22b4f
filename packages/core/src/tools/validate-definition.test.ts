import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ToolDefinitionError } from "../errors.js";
import { tool } from "./function-tool.js";
import { isValidIdentifier, PYTHON_KEYWORDS } from "./python-names.js";
import type { ToolDescription } from "./types.js";
import { validateToolDefinition } from "./validate-definition.js";

const valid: ToolDescription = {
  name: "web_search",
  description: "Searches the web.",
  inputs: { query: { type: "string", description: "The query." } },
  outputType: "string",
};

function problemsOf(overrides: Partial<ToolDescription> & Record<string, unknown>): string {
  try {
    validateToolDefinition({ ...valid, ...overrides } as ToolDescription);
  } catch (error) {
    expect(ToolDefinitionError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error("expected a ToolDefinitionError");
}

describe("validateToolDefinition", () => {
  it("accepts a valid definition, including the name final_answer", () => {
    expect(() => validateToolDefinition(valid)).not.toThrow();
    expect(() => validateToolDefinition({ ...valid, name: "final_answer" })).not.toThrow();
  });

  it("rejects a name that is not a Python identifier", () => {
    expect(problemsOf({ name: "web-search" })).toBe(
      'Invalid tool "web-search":\n- name "web-search" is not a valid Python identifier (letters, digits and underscores, not starting with a digit)',
    );
    expect(problemsOf({ name: "1st" })).toContain('name "1st" is not a valid Python identifier');
    expect(problemsOf({ name: "" })).toContain("name is missing");
  });

  it("rejects a Python keyword as a name", () => {
    expect(problemsOf({ name: "class" })).toContain('name "class" is a Python keyword');
    expect(problemsOf({ name: "None" })).toContain('name "None" is a Python keyword');
  });

  it("rejects a name that would shadow a builtin the code relies on", () => {
    expect(problemsOf({ name: "print" })).toContain('name "print" would shadow the Python builtin `print`');
  });

  it("rejects a missing or empty description", () => {
    expect(problemsOf({ description: "   " })).toContain("description is missing or empty");
    expect(problemsOf({ description: undefined })).toContain("description is missing or empty");
  });

  it("rejects an unknown input type, alone or in a type list", () => {
    expect(problemsOf({ inputs: { query: { type: "text", description: "Q." } } })).toContain(
      'input "query" has type "text", which is not one of: string, boolean, integer, number, image, audio, array, object, any, null',
    );
    expect(problemsOf({ inputs: { query: { type: ["string", "float"], description: "Q." } } })).toContain(
      'input "query" has type "float"',
    );
    expect(problemsOf({ inputs: { query: { type: [], description: "Q." } } })).toContain("empty type list");
  });

  it("rejects an input without a description", () => {
    expect(problemsOf({ inputs: { query: { type: "string" } } as never })).toContain(
      'input "query" has no description',
    );
    expect(problemsOf({ inputs: { query: { type: "string", description: "" } } })).toContain(
      'input "query" has no description',
    );
  });

  it("asks for .describe() on a zod field without a description", () => {
    expect(problemsOf({ inputs: z.object({ query: z.string() }) })).toContain(
      'input "query" has no description (add .describe("…") to the zod field)',
    );
  });

  it("rejects input names that cannot be Python parameters", () => {
    expect(problemsOf({ inputs: { "max-results": { type: "integer", description: "Max." } } })).toContain(
      'input name "max-results" is not a valid Python identifier',
    );
    expect(problemsOf({ inputs: { lambda: { type: "number", description: "Rate." } } })).toContain(
      'input name "lambda" is a Python keyword',
    );
  });

  it("rejects malformed inputs, nullable and enum", () => {
    expect(problemsOf({ inputs: "query" as never })).toContain("inputs must be an object");
    expect(problemsOf({ inputs: { query: "string" } as never })).toContain('input "query" must be an object');
    expect(
      problemsOf({ inputs: { query: { type: "string", description: "Q.", nullable: "yes" } } as never }),
    ).toContain('input "query" has a non-boolean nullable');
    expect(problemsOf({ inputs: { query: { type: "string", description: "Q.", enum: [] } } })).toContain(
      'input "query" has an enum that is not a non-empty array',
    );
  });

  it("rejects an unknown output type and a malformed output schema", () => {
    expect(problemsOf({ outputType: "text" })).toContain('outputType "text" is not one of:');
    expect(problemsOf({ outputSchema: [] as never })).toContain("outputSchema must be a JSON schema object");
  });

  it("lists every problem at once", () => {
    const message = problemsOf({ name: "def", description: "", outputType: "str" });
    expect(message.split("\n")).toEqual([
      'Invalid tool "def":',
      '- name "def" is a Python keyword: choose another name',
      "- description is missing or empty: tell the model what the tool does",
      '- outputType "str" is not one of: string, boolean, integer, number, image, audio, array, object, any, null',
    ]);
  });

  it("is what tool() runs on construction", () => {
    expect(() =>
      tool(
        {
          name: "ok_name",
          description: "Fine.",
          inputs: { x: { type: "integer", description: "" } },
          outputType: "string",
        },
        () => "",
      ),
    ).toThrow(/input "x" has no description/);
  });
});

describe("isValidIdentifier", () => {
  it("accepts Python identifiers and rejects keywords and other strings", () => {
    expect(isValidIdentifier("snake_case_2")).toBe(true);
    expect(isValidIdentifier("_private")).toBe(true);
    expect(isValidIdentifier("café")).toBe(true);
    expect(isValidIdentifier("with space")).toBe(false);
    expect(isValidIdentifier("9lives")).toBe(false);
    expect(isValidIdentifier("yield")).toBe(false);
    expect(isValidIdentifier(42)).toBe(false);
    expect(PYTHON_KEYWORDS.has("await")).toBe(true);
    expect(PYTHON_KEYWORDS.has("print")).toBe(false);
  });
});
