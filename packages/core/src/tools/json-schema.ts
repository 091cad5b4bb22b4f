import type { ToolSpec } from "../models/model.js";
import { inputsJsonSchema, normalizeInputs } from "./input-schema.js";
import type { JsonSchema, ToolDescription, ToolInput } from "./types.js";

const MEDIA_NOTES: Record<string, string> = {
  image: "an image, passed as a string: the name of a state variable holding it, a URL or a data URL",
  audio: "an audio clip, passed as a string: the name of a state variable holding it, a URL or a data URL",
};

/**
 * The tool as a native tool-calling spec: `parameters` is the JSON schema of the arguments
 * object. `any` leaves the type open, `image` and `audio` become described strings, and a
 * nullable argument is optional and accepts `null`.
 *
 * @example
 * toolJsonSchema(searchTool).parameters;
 * // { type: "object", properties: { query: { type: "string", description: "…" } },
 * //   required: ["query"], additionalProperties: false }
 */
export function toolJsonSchema(tool: ToolDescription): ToolSpec {
  const inputs = normalizeInputs(tool.inputs);
  const schemaProperties = inputsJsonSchema(tool.inputs)?.properties as
    | Record<string, JsonSchema>
    | undefined;
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, input] of Object.entries(inputs)) {
    const schemaProperty = schemaProperties?.[name];
    const property = schemaProperty ? structuredClone(schemaProperty) : inputToJsonSchema(input);
    if (input.nullable) allowNull(property);
    else required.push(name);
    properties[name] = property;
  }
  return {
    name: tool.name,
    description: tool.description,
    parameters: { type: "object", properties, required, additionalProperties: false },
  };
}

function inputToJsonSchema(input: ToolInput): JsonSchema {
  const types: readonly string[] = Array.isArray(input.type) ? input.type : [input.type as string];
  const schema: JsonSchema = {};
  if (!types.includes("any")) {
    const jsonTypes = [...new Set(types.map((type) => (type in MEDIA_NOTES ? "string" : type)))];
    schema.type = jsonTypes.length === 1 ? jsonTypes[0] : jsonTypes;
  }
  const notes = types.filter((type) => type in MEDIA_NOTES).map((type) => MEDIA_NOTES[type]);
  schema.description = notes.length > 0 ? `${input.description} (${notes.join("; or ")})` : input.description;
  if (input.enum) schema.enum = [...input.enum];
  if (input.items) schema.items = input.items;
  if (input.properties) schema.properties = input.properties;
  if (input.required) schema.required = [...input.required];
  return schema;
}

/** Widens a property schema so that `null` validates too. */
function allowNull(schema: JsonSchema): void {
  if (typeof schema.type === "string") {
    if (schema.type !== "null") schema.type = [schema.type, "null"];
  } else if (Array.isArray(schema.type)) {
    if (!schema.type.includes("null")) schema.type = [...schema.type, "null"];
  } else if (Array.isArray(schema.anyOf)) {
    if (!schema.anyOf.some((branch: JsonSchema) => branch.type === "null")) {
      schema.anyOf = [...schema.anyOf, { type: "null" }];
    }
    return;
  } else {
    return; // No type constraint: null is already allowed.
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
}
