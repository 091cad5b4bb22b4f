import {
  isValidIdentifier,
  type JsonSchema,
  PYTHON_KEYWORDS,
  RESERVED_TOOL_NAMES,
  TOOL_TYPES,
  type ToolInput,
  type ToolInputs,
  type ToolInputType,
} from "@smol/core";

const TOOL_TYPE_SET = new Set<string>(TOOL_TYPES);
/** Deepest `$ref` chain followed: a recursive schema stops there and becomes `any`. */
const MAX_REF_DEPTH = 8;

/** Inputs made from an MCP tool's input schema, and the server's name of each input. */
export interface ConvertedInputs {
  inputs: ToolInputs;
  /** Our argument name → the name the server expects (they differ when the server's is not a Python identifier). */
  serverNames: Record<string, string>;
}

/**
 * The inputs of a smol tool from the JSON schema of an MCP tool's arguments: each property
 * becomes an input (its type, description, enum, items and properties carried over, local
 * `$ref`s resolved), and a property the schema does not require becomes nullable. Names that are
 * not Python identifiers (`user-id`) are made into ones (`user_id`) and mapped back on call.
 *
 * @example
 * jsonSchemaToInputs({ type: "object", properties: { city: { type: "string", description: "A city." } }, required: ["city"] });
 * // { inputs: { city: { type: "string", description: "A city." } }, serverNames: { city: "city" } }
 */
export function jsonSchemaToInputs(schema: JsonSchema | undefined): ConvertedInputs {
  const root = schema ?? {};
  const properties = isObject(root.properties) ? (root.properties as Record<string, unknown>) : {};
  const required = new Set(Array.isArray(root.required) ? (root.required as string[]) : []);
  const inputs: ToolInputs = {};
  const serverNames: Record<string, string> = {};
  for (const [serverName, rawProperty] of Object.entries(properties)) {
    const property = resolveRefs(isObject(rawProperty) ? rawProperty : {}, root, 0);
    const name = uniqueName(pythonName(serverName), inputs);
    serverNames[name] = serverName;
    inputs[name] = toInput(property, serverName, !required.has(serverName));
  }
  return { inputs, serverNames };
}

function toInput(property: JsonSchema, serverName: string, optional: boolean): ToolInput {
  const types = typesOf(property);
  const allowsNull = types.includes("null") && types.length > 1;
  const kept = allowsNull ? types.filter((type) => type !== "null") : types;
  const description =
    stringOf(property.description) ?? stringOf(property.title) ?? `The ${serverName.replace(/[_-]+/g, " ")}.`;
  const input: ToolInput = { type: kept.length === 1 ? kept[0]! : kept, description };
  if (optional || allowsNull) input.nullable = true;
  const values = enumOf(property);
  if (values) input.enum = values;
  if (isObject(property.items)) input.items = property.items as JsonSchema;
  if (isObject(property.properties)) input.properties = property.properties as Record<string, JsonSchema>;
  if (Array.isArray(property.required)) input.required = property.required as string[];
  return input;
}

/** The tool types a schema allows; `any` when it does not say or says something we cannot map. */
function typesOf(schema: JsonSchema): ToolInputType[] {
  if (typeof schema.type === "string")
    return TOOL_TYPE_SET.has(schema.type) ? [schema.type as ToolInputType] : ["any"];
  if (Array.isArray(schema.type)) {
    const types = unique(schema.type.flatMap((type) => typesOf({ type })));
    return types.includes("any") ? ["any"] : types;
  }
  const branches = (schema.anyOf ?? schema.oneOf) as unknown;
  if (Array.isArray(branches) && branches.length > 0) {
    const types = unique(
      branches.flatMap((branch) => (isObject(branch) ? typesOf(branch) : ["any" as const])),
    );
    return types.includes("any") ? ["any"] : types;
  }
  const values = enumOf(schema);
  if (values) return unique(values.map(typeOfValue));
  return ["any"];
}

function enumOf(schema: JsonSchema): unknown[] | undefined {
  if (Array.isArray(schema.enum) && schema.enum.length > 0)
    return schema.enum.filter((value) => value !== null);
  if ("const" in schema) return [schema.const];
  return undefined;
}

/** The schema with its `$ref`s to `#/$defs/…` or `#/definitions/…` replaced by what they point to. */
function resolveRefs(schema: JsonSchema, root: JsonSchema, depth: number): JsonSchema {
  if (depth > MAX_REF_DEPTH) return {};
  let resolved = schema;
  if (typeof schema.$ref === "string") {
    const { $ref, ...rest } = schema;
    const target = lookupRef($ref as string, root);
    resolved = target ? { ...resolveRefs(target, root, depth + 1), ...rest } : rest;
  }
  const copy: JsonSchema = { ...resolved };
  for (const key of ["anyOf", "oneOf", "allOf"] as const) {
    if (Array.isArray(copy[key])) {
      copy[key] = (copy[key] as unknown[]).map((branch) =>
        isObject(branch) ? resolveRefs(branch, root, depth + 1) : branch,
      );
    }
  }
  if (isObject(copy.items)) copy.items = resolveRefs(copy.items, root, depth + 1);
  if (isObject(copy.properties)) {
    copy.properties = Object.fromEntries(
      Object.entries(copy.properties).map(([key, value]) => [
        key,
        isObject(value) ? resolveRefs(value, root, depth + 1) : value,
      ]),
    );
  }
  if (Array.isArray(copy.allOf) && copy.allOf.length === 1 && isObject(copy.allOf[0])) {
    // Pydantic wraps a described reference in a one-branch allOf.
    const { allOf, ...rest } = copy;
    return { ...(allOf as JsonSchema[])[0], ...rest };
  }
  return copy;
}

function lookupRef(ref: string, root: JsonSchema): JsonSchema | undefined {
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  if (!match) return undefined;
  const definitions = root[match[1]!];
  const name = decodeURIComponent(match[2]!).replaceAll("~1", "/").replaceAll("~0", "~");
  const target = isObject(definitions) ? (definitions as Record<string, unknown>)[name] : undefined;
  return isObject(target) ? target : undefined;
}

/**
 * A Python identifier for a name from an MCP server: invalid characters become `_`, a leading
 * digit gets `_` before it, and keywords and builtins a tool must not shadow get a `_` after.
 */
export function pythonName(name: string): string {
  let result = name.replace(/[^A-Za-z0-9_]/g, "_");
  if (result === "" || /^[0-9]/.test(result)) result = `_${result}`;
  if (PYTHON_KEYWORDS.has(result) || RESERVED_TOOL_NAMES.has(result)) result = `${result}_`;
  return isValidIdentifier(result) ? result : `tool_${result}`;
}

/** `name`, or `name_2`, `name_3`, … when it is taken. */
export function uniqueName(name: string, taken: Record<string, unknown>): string {
  if (!(name in taken)) return name;
  for (let suffix = 2; ; suffix++) {
    if (!(`${name}_${suffix}` in taken)) return `${name}_${suffix}`;
  }
}

function typeOfValue(value: unknown): ToolInputType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  if (typeof value === "string" || typeof value === "boolean") return typeof value as ToolInputType;
  return typeof value === "object" ? "object" : "any";
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
