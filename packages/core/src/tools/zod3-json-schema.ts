import type { JsonSchema } from "./types.js";

/**
 * zod 3 (the `zod@3` package, or `zod/v3` inside zod 4) keeps its definition in `_def`, with a
 * `typeName`; zod 4's `toJSONSchema` cannot read it, so smol converts the kinds a tool's input
 * uses itself. Read by shape, so any copy of zod 3 in `node_modules` works.
 */
interface Zod3Def {
  typeName?: string;
  description?: string;
  [key: string]: unknown;
}

export interface Zod3Type {
  _def: Zod3Def;
  safeParse(value: unknown): { success: boolean; data?: unknown; error?: { issues: Zod3Issue[] } };
}

interface Zod3Issue {
  code: string;
  path: (string | number)[];
  message: string;
}

/** Whether `value` is a zod 3 schema of any kind. */
export function isZod3Type(value: unknown): value is Zod3Type {
  if (typeof value !== "object" || value === null || "_zod" in value) return false;
  const def = (value as { _def?: { typeName?: unknown } })._def;
  return typeof def?.typeName === "string" && typeof (value as Zod3Type).safeParse === "function";
}

/** The JSON schema of what a caller sends to a zod 3 schema (its input side). */
export function zod3JsonSchema(schema: Zod3Type): JsonSchema {
  const json = convert(schema._def);
  if (schema._def.description !== undefined) json.description = schema._def.description;
  return json;
}

/** Whether the field may be left out: optional, or with a default. */
function isOptional(def: Zod3Def): boolean {
  if (def.typeName === "ZodOptional" || def.typeName === "ZodDefault") return true;
  if (def.typeName === "ZodNullable" || def.typeName === "ZodEffects" || def.typeName === "ZodBranded") {
    return isOptional(innerDef(def));
  }
  return false;
}

function innerDef(def: Zod3Def): Zod3Def {
  const inner = (def.innerType ?? def.schema ?? def.type) as Zod3Type | undefined;
  return inner?._def ?? {};
}

function withDescription(def: Zod3Def, json: JsonSchema): JsonSchema {
  if (def.description !== undefined) json.description = def.description;
  return json;
}

function convert(def: Zod3Def): JsonSchema {
  switch (def.typeName) {
    case "ZodString":
      return withDescription(def, { type: "string" });
    case "ZodNumber": {
      const checks = (def.checks ?? []) as { kind: string }[];
      return withDescription(def, {
        type: checks.some((check) => check.kind === "int") ? "integer" : "number",
      });
    }
    case "ZodBigInt":
      return withDescription(def, { type: "integer" });
    case "ZodBoolean":
      return withDescription(def, { type: "boolean" });
    case "ZodDate":
      return withDescription(def, { type: "string", format: "date-time" });
    case "ZodNull":
      return withDescription(def, { type: "null" });
    case "ZodLiteral":
      return withDescription(def, { const: def.value });
    case "ZodEnum":
      return withDescription(def, { type: "string", enum: [...(def.values as string[])] });
    case "ZodNativeEnum":
      // A numeric TypeScript enum maps its values back to its names too: keep the named keys.
      return withDescription(def, {
        enum: Object.entries(def.values as Record<string, unknown>)
          .filter(([key]) => Number.isNaN(Number(key)))
          .map(([, value]) => value),
      });
    case "ZodArray":
      return withDescription(def, { type: "array", items: convert((def.type as Zod3Type)._def) });
    case "ZodRecord":
      return withDescription(def, {
        type: "object",
        additionalProperties: convert((def.valueType as Zod3Type)._def),
      });
    case "ZodObject": {
      const shape = (typeof def.shape === "function" ? def.shape() : def.shape) as Record<string, Zod3Type>;
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const [name, field] of Object.entries(shape)) {
        properties[name] = convert(field._def);
        if (!isOptional(field._def)) required.push(name);
      }
      return withDescription(def, { type: "object", properties, required });
    }
    case "ZodUnion":
    case "ZodDiscriminatedUnion": {
      const options = (
        Array.isArray(def.options) ? def.options : [...(def.options as Map<unknown, Zod3Type>).values()]
      ) as Zod3Type[];
      return withDescription(def, { anyOf: options.map((option) => convert(option._def)) });
    }
    case "ZodNullable":
      return withDescription(def, { anyOf: [convert(innerDef(def)), { type: "null" }] });
    case "ZodOptional":
    case "ZodDefault":
    case "ZodEffects":
    case "ZodBranded":
    case "ZodReadonly":
    case "ZodCatch": {
      const json = convert(innerDef(def));
      return def.description !== undefined ? { ...json, description: def.description } : json;
    }
    default:
      // ZodAny, ZodUnknown and kinds a tool's arguments do not use: anything is accepted.
      return withDescription(def, {});
  }
}
