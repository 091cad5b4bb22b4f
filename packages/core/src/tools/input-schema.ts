import { z } from "zod";
import {
  type DeclaredToolInputs,
  type JsonSchema,
  TOOL_TYPES,
  type ToolInput,
  type ToolInputs,
  type ToolInputType,
} from "./types.js";
import { isZod3Type, zod3JsonSchema } from "./zod3-json-schema.js";

/**
 * Whether `value` is a zod object, of zod 4 or of zod 3 (the `zod@3` package or `zod/v3`).
 * Checked by shape rather than `instanceof`, so a zod object from another copy of zod in
 * `node_modules` is recognised too. Both have the `shape` and `safeParse` validation uses.
 */
export function isZodObject(value: unknown): value is z.ZodObject<any> {
  if (isZod3Type(value)) return value._def.typeName === "ZodObject";
  if (typeof value !== "object" || value === null || !("_zod" in value)) return false;
  const internals = (value as { _zod?: { def?: { type?: unknown } } })._zod;
  return internals?.def?.type === "object";
}

/**
 * A Standard Schema (https://standardschema.dev) that can give its JSON Schema: valibot,
 * ArkType, zod ≥ 4.2 and the other libraries that implement the Standard JSON Schema interface.
 */
interface StandardJsonSchemaLike {
  "~standard": { jsonSchema: { input(options: { target: string }): Record<string, unknown> } };
}

function isStandardJsonSchema(value: unknown): value is StandardJsonSchemaLike {
  const standard = (value as { "~standard"?: { jsonSchema?: { input?: unknown } } } | null)?.["~standard"];
  return typeof standard?.jsonSchema?.input === "function";
}

/** A plain JSON Schema of an object (`{ type: "object", properties: … }`), not the dict form. */
function isObjectJsonSchema(value: unknown): value is JsonSchema {
  if (typeof value !== "object" || value === null) return false;
  const { type, properties } = value as { type?: unknown; properties?: unknown };
  return (
    type === "object" && (properties === undefined || (typeof properties === "object" && properties !== null))
  );
}

/**
 * The JSON schema of inputs given as a schema (zod 4, zod 3, a Standard JSON Schema library,
 * or plain JSON Schema); `undefined` for the smolagents dict form.
 */
export function inputsJsonSchema(inputs: unknown): JsonSchema | undefined {
  if (isZodObject(inputs)) return zodInputJsonSchema(inputs);
  if (isStandardJsonSchema(inputs)) {
    let json = zodJsonSchemas.get(inputs);
    if (!json) {
      json = inputs["~standard"].jsonSchema.input({ target: "draft-2020-12" }) as JsonSchema;
      zodJsonSchemas.set(inputs, json);
    }
    return json;
  }
  if (isObjectJsonSchema(inputs)) return inputs;
  return undefined;
}

const zodJsonSchemas = new WeakMap<object, JsonSchema>();
const normalizedZodInputs = new WeakMap<object, ToolInputs>();

/** The JSON schema of a zod object's input (what a caller sends), computed once per object. */
export function zodInputJsonSchema(schema: z.ZodObject<any>): JsonSchema {
  let json = zodJsonSchemas.get(schema);
  if (!json && isZod3Type(schema)) {
    json = zod3JsonSchema(schema);
    zodJsonSchemas.set(schema, json);
  }
  if (!json) {
    json = z.toJSONSchema(schema, {
      io: "input",
      unrepresentable: "any",
      reused: "inline",
      override: ({ jsonSchema }) => {
        // `z.number().int()` bounds itself to the safe integers: noise for a model, drop it.
        if (
          jsonSchema.minimum === Number.MIN_SAFE_INTEGER &&
          jsonSchema.maximum === Number.MAX_SAFE_INTEGER
        ) {
          delete jsonSchema.minimum;
          delete jsonSchema.maximum;
        }
      },
    }) as JsonSchema;
    zodJsonSchemas.set(schema, json);
  }
  return json;
}

/**
 * The inputs in the smolagents dict form. A zod object is converted through its JSON schema:
 * optional and nullable fields become `nullable: true`, fields without a type become `any`.
 * The dict form is returned as it was declared (`Tool.validate()` checks it).
 */
export function normalizeInputs(inputs: DeclaredToolInputs): ToolInputs {
  const json = inputsJsonSchema(inputs);
  if (json === undefined) return inputs as ToolInputs;
  let normalized = normalizedZodInputs.get(inputs);
  if (!normalized) {
    normalized = zodToToolInputs(json);
    normalizedZodInputs.set(inputs, normalized);
  }
  return normalized;
}

/** Argument names in positional order: required first, then nullable, each in declared order. */
export function parameterOrder(inputs: ToolInputs): string[] {
  const names = Object.keys(inputs);
  return [
    ...names.filter((name) => !inputs[name]?.nullable),
    ...names.filter((name) => inputs[name]?.nullable),
  ];
}

function zodToToolInputs(json: JsonSchema): ToolInputs {
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  const inputs: ToolInputs = {};
  for (const [name, property] of Object.entries(properties)) {
    const types = typesOf(property);
    const allowsNull = types.includes("null") && types.length > 1;
    const nonNullTypes = allowsNull ? types.filter((type) => type !== "null") : types;
    const input: ToolInput = {
      type: nonNullTypes.length === 1 ? nonNullTypes[0]! : nonNullTypes,
      description: typeof property.description === "string" ? property.description : "",
    };
    if (allowsNull || !required.has(name)) input.nullable = true;
    const allowed = allowedValues(property);
    if (allowed) input.enum = allowed;
    if (isSchema(property.items)) input.items = property.items;
    if (isSchema(property.properties)) input.properties = property.properties as Record<string, JsonSchema>;
    if (Array.isArray(property.required)) input.required = property.required as string[];
    inputs[name] = input;
  }
  return inputs;
}

const JSON_TYPES = new Set<string>(TOOL_TYPES);

/** The tool types a JSON schema allows; `any` when it does not constrain the type. */
function typesOf(schema: JsonSchema): ToolInputType[] {
  if (typeof schema.type === "string")
    return JSON_TYPES.has(schema.type) ? [schema.type as ToolInputType] : ["any"];
  if (Array.isArray(schema.type)) return unique(schema.type.flatMap((type) => typesOf({ type })));
  const branches = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(branches)) {
    const types = unique(branches.flatMap(typesOf));
    return types.includes("any") ? ["any"] : types;
  }
  const values = allowedValues(schema);
  if (values) return unique(values.map(typeOfValue));
  return ["any"];
}

function allowedValues(schema: JsonSchema): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum;
  if ("const" in schema) return [schema.const];
  const branches = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (!Array.isArray(branches)) return undefined;
  // `z.enum([...]).nullable()` is an anyOf of the enum and null: keep the enum, null is `nullable`.
  const valued = branches.filter((branch) => branch.type !== "null").map(allowedValues);
  if (valued.length === 0 || valued.some((values) => values === undefined)) return undefined;
  return unique(valued.flat());
}

function typeOfValue(value: unknown): ToolInputType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  if (typeof value === "string" || typeof value === "boolean") return typeof value as ToolInputType;
  return typeof value === "object" ? "object" : "any";
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
