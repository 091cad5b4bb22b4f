import { ToolDefinitionError } from "../errors.js";
import { isZodObject, normalizeInputs } from "./input-schema.js";
import { isValidIdentifier, PYTHON_KEYWORDS, RESERVED_TOOL_NAMES } from "./python-names.js";
import { TOOL_TYPES, type ToolDescription } from "./types.js";

const KNOWN_TYPES = new Set<string>(TOOL_TYPES);
const TYPE_LIST = TOOL_TYPES.join(", ");

/**
 * Checks a tool definition and throws `ToolDefinitionError` listing every problem: the name
 * must be a Python identifier that is neither a keyword nor a reserved builtin, the tool and
 * each input need a non-empty description, and every type must be one of `TOOL_TYPES`.
 *
 * @example
 * validateToolDefinition({ name: "web-search", description: "", inputs: {}, outputType: "text" });
 * // throws ToolDefinitionError: Invalid tool "web-search":
 * // - name "web-search" is not a valid Python identifier …
 */
export function validateToolDefinition(tool: ToolDescription): void {
  const problems: string[] = [];
  const name: unknown = tool.name;
  problems.push(...nameProblems("name", name));
  if (typeof name === "string" && RESERVED_TOOL_NAMES.has(name)) {
    problems.push(`name "${name}" would shadow the Python builtin \`${name}\`: choose another name`);
  }
  if (typeof tool.description !== "string" || tool.description.trim() === "") {
    problems.push("description is missing or empty: tell the model what the tool does");
  }
  problems.push(...inputsProblems(tool.inputs));
  if (typeof tool.outputType !== "string" || !KNOWN_TYPES.has(tool.outputType)) {
    problems.push(`outputType ${JSON.stringify(tool.outputType)} is not one of: ${TYPE_LIST}`);
  }
  const outputSchema: unknown = tool.outputSchema;
  if (
    outputSchema !== undefined &&
    (typeof outputSchema !== "object" || outputSchema === null || Array.isArray(outputSchema))
  ) {
    problems.push("outputSchema must be a JSON schema object");
  }
  if (problems.length > 0) {
    const label = typeof name === "string" && name !== "" ? `"${name}"` : "(unnamed)";
    throw new ToolDefinitionError(
      `Invalid tool ${label}:\n${problems.map((problem) => `- ${problem}`).join("\n")}`,
    );
  }
}

function nameProblems(what: string, name: unknown): string[] {
  if (typeof name !== "string" || name === "") return [`${what} is missing: it must be a non-empty string`];
  if (PYTHON_KEYWORDS.has(name)) return [`${what} "${name}" is a Python keyword: choose another name`];
  if (!isValidIdentifier(name)) {
    return [
      `${what} "${name}" is not a valid Python identifier (letters, digits and underscores, not starting with a digit)`,
    ];
  }
  return [];
}

function inputsProblems(inputs: unknown): string[] {
  if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) {
    return ["inputs must be an object of input definitions or a zod object"];
  }
  const fromZod = isZodObject(inputs);
  let normalized: Record<string, unknown>;
  try {
    normalized = normalizeInputs(inputs as Record<string, never>);
  } catch (error) {
    return [
      `inputs could not be converted to JSON schema: ${error instanceof Error ? error.message : String(error)}`,
    ];
  }
  const problems: string[] = [];
  for (const [argument, input] of Object.entries(normalized)) {
    problems.push(...nameProblems(`input name`, argument));
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
      problems.push(`input "${argument}" must be an object like { type: "string", description: "…" }`);
      continue;
    }
    problems.push(...inputProblems(argument, input as Record<string, unknown>, fromZod));
  }
  return problems;
}

function inputProblems(argument: string, input: Record<string, unknown>, fromZod: boolean): string[] {
  const problems: string[] = [];
  const types = Array.isArray(input.type) ? input.type : [input.type];
  if (types.length === 0) problems.push(`input "${argument}" has an empty type list`);
  for (const type of types) {
    if (typeof type !== "string" || !KNOWN_TYPES.has(type)) {
      problems.push(
        `input "${argument}" has type ${JSON.stringify(type)}, which is not one of: ${TYPE_LIST}`,
      );
    }
  }
  if (typeof input.description !== "string" || input.description.trim() === "") {
    const hint = fromZod ? ` (add .describe("…") to the zod field)` : "";
    problems.push(`input "${argument}" has no description${hint}`);
  }
  if (input.nullable !== undefined && typeof input.nullable !== "boolean") {
    problems.push(`input "${argument}" has a non-boolean nullable`);
  }
  if (input.enum !== undefined && (!Array.isArray(input.enum) || input.enum.length === 0)) {
    problems.push(`input "${argument}" has an enum that is not a non-empty array`);
  }
  return problems;
}
