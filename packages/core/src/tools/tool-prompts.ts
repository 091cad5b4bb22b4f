import { normalizeInputs, parameterOrder } from "./input-schema.js";
import type { JsonSchema, ToolDescription } from "./types.js";

const PYTHON_TYPES: Record<string, string> = {
  string: "str",
  integer: "int",
  number: "float",
  boolean: "bool",
  array: "list",
  object: "dict",
  any: "Any",
  image: "Image",
  audio: "Audio",
  null: "None",
};

const MEDIA_NOTES: Record<string, string> = {
  image: "an Image: PNG bytes",
  audio: "Audio: the bytes of an audio file",
};

const RETURNED_MEDIA_NOTES: Record<string, string> = {
  image: "PNG bytes.",
  audio: "the bytes of an audio file.",
};

const INDENT = "    ";

/**
 * The Python stub a CodeAgent's model reads: the signature (required arguments first,
 * nullable ones defaulting to `None`) and a docstring with the description and one `Args:`
 * line per argument. With an `outputSchema` the function returns a `dict` whose keys are
 * listed under `Returns:`.
 *
 * @example
 * toolCodePrompt(modelDownloadTool);
 * // def model_download_tool(task: str) -> str:
 * //     """Returns the most downloaded model of a given task on the Hub.
 * //
 * //     Args:
 * //         task: The task.
 * //     """
 */
export function toolCodePrompt(tool: ToolDescription): string {
  const inputs = normalizeInputs(tool.inputs);
  const names = parameterOrder(inputs);
  const parameters = names.map((name) => {
    const input = inputs[name]!;
    const type = pythonType(input as unknown as JsonSchema);
    if (!input.nullable) return `${name}: ${type}`;
    const nullableType = type === "Any" || type.split(" | ").includes("None") ? type : `${type} | None`;
    return `${name}: ${nullableType} = None`;
  });
  const returnType = tool.outputSchema
    ? outputSchemaType(tool.outputSchema)
    : pythonType({ type: tool.outputType });

  const docstring = [...tool.description.trim().split("\n")];
  if (names.length > 0) {
    docstring.push("", "Args:");
    for (const name of names) {
      const input = inputs[name]!;
      docstring.push(
        ...hangingLines(
          `${INDENT}${name}: ${argumentDescription(input as unknown as JsonSchema)}`,
          INDENT.repeat(2),
        ),
      );
    }
  }
  const returns = returnsSection(tool);
  if (returns.length > 0) docstring.push("", "Returns:", ...returns);

  const body = docstring.map((line, index) => {
    const text = index === 0 ? `"""${line}` : line;
    return text === "" ? "" : `${INDENT}${text}`;
  });
  return [`def ${tool.name}(${parameters.join(", ")}) -> ${returnType}:`, ...body, `${INDENT}"""`].join("\n");
}

/**
 * A short listing for tool-calling prompts: name and description, the inputs as JSON, the
 * output type (and the output schema, when there is one).
 *
 * @example
 * toolCallingPrompt(modelDownloadTool);
 * // model_download_tool: Returns the most downloaded model of a given task on the Hub.
 * //     Inputs: {"task":{"type":"string","description":"The task."}}
 * //     Output type: string
 */
export function toolCallingPrompt(tool: ToolDescription): string {
  const lines = [
    `${tool.name}: ${tool.description.trim()}`,
    `${INDENT}Inputs: ${JSON.stringify(normalizeInputs(tool.inputs))}`,
    `${INDENT}Output type: ${tool.outputType}`,
  ];
  if (tool.outputSchema) lines.push(`${INDENT}Output schema: ${JSON.stringify(tool.outputSchema)}`);
  return lines.join("\n");
}

/** The Python annotation for a JSON schema: `list[str]`, `int | None`, `Any`, … */
function pythonType(schema: JsonSchema): string {
  const types: unknown[] = Array.isArray(schema.type)
    ? schema.type
    : schema.type === undefined
      ? ["any"]
      : [schema.type];
  if (types.includes("any")) return "Any";
  const names = types.map((type) => {
    const name = PYTHON_TYPES[String(type)] ?? "Any";
    if (name === "list" && isSchema(schema.items) && schema.items.type !== undefined) {
      return `list[${pythonType(schema.items)}]`;
    }
    return name;
  });
  return [...new Set(names)].join(" | ");
}

function argumentDescription(input: JsonSchema): string {
  const types: unknown[] = Array.isArray(input.type) ? input.type : [input.type];
  let text = String(input.description ?? "").trim();
  const notes = types.filter((type) => String(type) in MEDIA_NOTES).map((type) => MEDIA_NOTES[String(type)]);
  if (notes.length > 0) text += ` (${notes.join("; or ")})`;
  if (Array.isArray(input.enum)) text += ` Allowed values: ${input.enum.map(pythonLiteral).join(", ")}.`;
  return text;
}

function outputSchemaType(schema: JsonSchema): string {
  return schema.type === undefined || schema.type === "object" ? "dict" : pythonType(schema);
}

function returnsSection(tool: ToolDescription): string[] {
  const schema = tool.outputSchema;
  if (!schema) {
    const note = RETURNED_MEDIA_NOTES[tool.outputType];
    return note ? [`${INDENT}${PYTHON_TYPES[tool.outputType]}: ${note}`] : [];
  }
  const summary = typeof schema.description === "string" ? `${schema.description.trim()} ` : "";
  const lines = [
    `${INDENT}${outputSchemaType(schema)}: ${summary}Read its keys directly (e.g. result["key"]); no need to print it first.`,
  ];
  lines.push(...schemaKeyLines(schema, INDENT.repeat(2)));
  return lines;
}

/** One line per key of an object schema (recursing into nested objects and lists of objects). */
function schemaKeyLines(schema: JsonSchema, indent: string): string[] {
  const objectSchema = schema.type === "array" && isSchema(schema.items) ? schema.items : schema;
  if (!isSchema(objectSchema.properties)) return [];
  const required = new Set(Array.isArray(objectSchema.required) ? (objectSchema.required as string[]) : []);
  const lines: string[] = [];
  for (const [key, property] of Object.entries(objectSchema.properties as Record<string, unknown>)) {
    if (!isSchema(property)) continue;
    const optional = required.has(key) ? "" : ", optional";
    const description = typeof property.description === "string" ? `: ${property.description.trim()}` : "";
    lines.push(`${indent}- ${key} (${schemaTypeLabel(property)}${optional})${description}`);
    lines.push(...schemaKeyLines(property, indent + INDENT));
  }
  return lines;
}

function schemaTypeLabel(schema: JsonSchema): string {
  if (schema.type === "array" && isSchema(schema.items) && schema.items.type === "object")
    return "list[dict]";
  if (Array.isArray(schema.anyOf)) {
    return [...new Set((schema.anyOf as unknown[]).filter(isSchema).map(schemaTypeLabel))].join(" | ");
  }
  return pythonType(schema);
}

/** Continuation lines of a long description keep the docstring's hanging indent. */
function hangingLines(text: string, indent: string): string[] {
  const [first = "", ...rest] = text.split("\n");
  return [first, ...rest.map((line) => `${indent}${line.trim()}`)];
}

function pythonLiteral(value: unknown): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  return JSON.stringify(value);
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
