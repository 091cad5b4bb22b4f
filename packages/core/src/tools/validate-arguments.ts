import type { z } from "zod";
import { isZodObject, normalizeInputs, parameterOrder } from "./input-schema.js";
import type {
  ArgumentValidationResult,
  JsonSchema,
  ToolDescription,
  ToolInput,
  ToolInputs,
} from "./types.js";

/**
 * Binds positional (and optional keyword) arguments to argument names, in the order of
 * `Tool.parameterNames`. One plain object whose keys are all argument names is taken as the
 * keyword arguments, as smolagents does for `tool({"query": "…"})`.
 *
 * @example
 * bindArguments(searchTool, ["smol", 3]); // { ok: true, value: { query: "smol", limit: 3 } }
 */
export function bindArguments(
  tool: ToolDescription,
  positional: readonly unknown[],
  keyword: Record<string, unknown> = {},
): ArgumentValidationResult {
  const inputs = normalizeInputs(tool.inputs);
  const names = parameterOrder(inputs);
  const only = positional[0];
  if (positional.length === 1 && Object.keys(keyword).length === 0 && isPlainObject(only)) {
    const keys = Object.keys(only);
    const allNamed = keys.length > 0 && keys.every((key) => key in inputs);
    const firstTakesObject = names[0] !== undefined && acceptsObject(inputs[names[0]]!);
    if (allNamed || (keys.length === 0 && !firstTakesObject)) return { ok: true, value: { ...only } };
  }
  if (positional.length > names.length) {
    return failure(tool, inputs, [
      `${positional.length} positional arguments were given, but the tool takes at most ${names.length}`,
    ]);
  }
  const value: Record<string, unknown> = { ...keyword };
  const problems: string[] = [];
  positional.forEach((argument, index) => {
    const name = names[index]!;
    if (name in keyword) problems.push(`argument "${name}" was given both by position and by name`);
    value[name] = argument;
  });
  return problems.length > 0 ? failure(tool, inputs, problems) : { ok: true, value };
}

/**
 * Checks keyword arguments against a tool's inputs: required arguments present, no unknown
 * ones, each value of its declared type (an integer is not any number), `null` only where
 * nullable, enums respected. Zod inputs are checked by zod (no coercion).
 */
export function validateToolArguments(tool: ToolDescription, args: unknown): ArgumentValidationResult {
  const inputs = normalizeInputs(tool.inputs);
  if (!isPlainObject(args)) {
    return failure(tool, inputs, [
      `the arguments must be an object of named arguments, got ${describeValue(args)}`,
    ]);
  }
  const problems: string[] = [];
  for (const name of Object.keys(args)) {
    if (!(name in inputs)) problems.push(`unknown argument "${name}"`);
  }
  if (isZodObject(tool.inputs)) return validateWithZod(tool, inputs, args, problems);
  const value: Record<string, unknown> = {};
  for (const [name, input] of Object.entries(inputs)) {
    const argument = args[name];
    if (argument === undefined) {
      if (!input.nullable)
        problems.push(`missing required argument "${name}" (${typeLabel(input)}: ${input.description})`);
      continue;
    }
    value[name] = argument;
    if (argument === null && input.nullable) continue;
    const problem = checkValue(argument, input as unknown as JsonSchema, `argument "${name}"`);
    if (problem) problems.push(problem);
  }
  return problems.length > 0 ? failure(tool, inputs, problems) : { ok: true, value };
}

/** The expected call, e.g. `search(query: string, limit?: integer)`, for error messages. */
export function signatureOf(name: string, inputs: ToolInputs): string {
  const parameters = parameterOrder(inputs).map((argument) => {
    const input = inputs[argument]!;
    return `${argument}${input.nullable ? "?" : ""}: ${typeLabel(input)}`;
  });
  return `${name}(${parameters.join(", ")})`;
}

function validateWithZod(
  tool: ToolDescription,
  inputs: ToolInputs,
  args: Record<string, unknown>,
  problems: string[],
): ArgumentValidationResult {
  const schema = tool.inputs as z.ZodObject<any>;
  const shape = schema.shape as Record<string, z.ZodType>;
  const prepared: Record<string, unknown> = { ...args };
  // The JSON schema we export lets the model send null for an optional field and leave out a
  // nullable one; translate both to what the zod field accepts.
  for (const [name, field] of Object.entries(shape)) {
    if (prepared[name] === null && !field.safeParse(null).success && field.safeParse(undefined).success) {
      delete prepared[name];
    } else if (
      prepared[name] === undefined &&
      !field.safeParse(undefined).success &&
      field.safeParse(null).success
    ) {
      prepared[name] = null;
    }
  }
  const result = schema.safeParse(prepared);
  if (result.success && problems.length === 0)
    return { ok: true, value: result.data as Record<string, unknown> };
  const zodProblems = (result.error?.issues ?? []).map((issue) => {
    const path = issue.path.map(String);
    if (path.length === 0) return issue.message;
    const [argument, ...rest] = path;
    const where = rest.length > 0 ? `argument "${argument}" at ${rest.join(".")}` : `argument "${argument}"`;
    return issue.code === "invalid_type" && prepared[argument!] === undefined && rest.length === 0
      ? `missing required argument "${argument}" (${typeLabel(inputs[argument!]!)}: ${inputs[argument!]?.description ?? ""})`
      : `${where}: ${issue.message}`;
  });
  return failure(tool, inputs, [...problems, ...zodProblems]);
}

function failure(tool: ToolDescription, inputs: ToolInputs, problems: string[]): ArgumentValidationResult {
  const lines = problems.map((problem) => `- ${problem}`).join("\n");
  return {
    ok: false,
    error: `Invalid arguments for tool "${tool.name}":\n${lines}\nExpected: ${signatureOf(tool.name, inputs)}`,
  };
}

/** The first way `value` breaks `schema` (type, enum, items, properties), or undefined. */
export function checkValue(value: unknown, schema: JsonSchema, where: string): string | undefined {
  const types =
    schema.type === undefined ? ["any"] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (!types.some((type) => matchesType(value, type))) {
    return `${where} must be ${types.map(article).join(" or ")}, got ${describeValue(value)}`;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((allowed) => sameValue(allowed, value))) {
    return `${where} must be one of ${schema.enum.map((allowed) => JSON.stringify(allowed)).join(", ")}, got ${describeValue(value)}`;
  }
  if (Array.isArray(value) && isPlainObject(schema.items)) {
    for (const [index, element] of value.entries()) {
      const problem = checkValue(element, schema.items, `${where} item ${index}`);
      if (problem) return problem;
    }
  }
  if (isPlainObject(value) && isPlainObject(schema.properties)) {
    for (const key of (schema.required as string[] | undefined) ?? []) {
      if (value[key] === undefined) return `${where} is missing the key "${key}"`;
    }
    for (const [key, property] of Object.entries(schema.properties)) {
      if (value[key] === undefined || !isPlainObject(property)) continue;
      const problem = checkValue(value[key], property, `${where} key "${key}"`);
      if (problem) return problem;
    }
  }
  return undefined;
}

function matchesType(value: unknown, type: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "array":
      return Array.isArray(value);
    case "object":
      return isPlainObject(value);
    case "null":
      return value === null;
    case "image":
    case "audio":
      // Images and audio arrive in several shapes (bytes, data URLs, paths): any value will do.
      return value !== null && value !== undefined;
    default:
      return true;
  }
}

function acceptsObject(input: ToolInput): boolean {
  const types: readonly string[] = Array.isArray(input.type) ? input.type : [input.type as string];
  return types.some((type) => type === "object" || type === "any");
}

function typeLabel(input: ToolInput): string {
  const types: readonly string[] = Array.isArray(input.type) ? input.type : [input.type as string];
  return types.join(" | ");
}

function article(type: string): string {
  if (type === "null") return "null";
  if (type === "any") return "any value";
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${truncate(JSON.stringify(value))}`;
  if (typeof value === "number")
    return Number.isInteger(value) ? `the integer ${value}` : `the number ${value}`;
  if (typeof value === "boolean") return `the boolean ${value}`;
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}..."` : text;
}

function sameValue(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  return (
    typeof left === "object" && typeof right === "object" && JSON.stringify(left) === JSON.stringify(right)
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
