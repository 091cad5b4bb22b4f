import { AgentConfigurationError, AgentOutputValidationError } from "../errors.js";
import { inputsJsonSchema } from "../tools/input-schema.js";
import type { JsonSchema } from "../tools/types.js";
import { checkValue } from "../tools/validate-arguments.js";

/** What a Standard Schema's `validate` returns: the (parsed) value, or the issues. */
type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | {
      readonly issues: ReadonlyArray<{
        readonly message: string;
        readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
      }>;
    };

/**
 * A schema of the Standard Schema interface (https://standardschema.dev): zod 4 and zod ≥ 3.24,
 * valibot, ArkType, … Read by shape, so any library (and any copy of it) works.
 */
export interface StandardSchemaLike<Output = unknown> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: unknown; readonly output: Output } | undefined;
  };
}

/**
 * What `outputSchema` accepts: a zod schema (4, or 3 from 3.24), any other Standard Schema, or
 * a plain JSON Schema. With a Standard Schema the run's answer is typed from it.
 */
export type OutputSchema<Output = unknown> = StandardSchemaLike<Output> | JsonSchema;

/** The type of the answer a schema describes: its output type, `unknown` for a JSON Schema. */
export type InferOutput<Schema> = Schema extends StandardSchemaLike<infer Output> ? Output : unknown;

function isStandardSchema(schema: unknown): schema is StandardSchemaLike {
  const standard = (schema as { "~standard"?: { validate?: unknown } } | null)?.["~standard"];
  return typeof standard?.validate === "function";
}

/** Refuses, when the agent is built, what is neither a Standard Schema nor a JSON Schema. */
export function checkOutputSchema(schema: unknown): OutputSchema | undefined {
  if (schema === undefined) return undefined;
  if (isStandardSchema(schema)) return schema;
  if (typeof schema === "object" && schema !== null && !Array.isArray(schema)) return schema as JsonSchema;
  throw new AgentConfigurationError(
    "outputSchema must be a zod schema, another Standard Schema (valibot, ArkType, …) or a JSON Schema object.",
  );
}

/**
 * The JSON Schema shown to the model: what the schema itself says of its output when it can
 * (zod 4, valibot, …), else what smol's tool inputs read of it (zod 3); a JSON Schema as given.
 * Undefined for a Standard Schema that cannot describe itself.
 */
export function outputJsonSchema(schema: OutputSchema): JsonSchema | undefined {
  if (!isStandardSchema(schema)) return schema;
  const standard = schema["~standard"] as {
    jsonSchema?: { output?: (options: { target: string }) => unknown };
  };
  let json: JsonSchema | undefined;
  try {
    const output = standard.jsonSchema?.output?.({ target: "draft-2020-12" });
    json = (output as JsonSchema | undefined) ?? inputsJsonSchema(schema);
  } catch {
    // A schema that cannot be written as JSON Schema (a transform, …) is still validated.
    json = undefined;
  }
  if (!json) return undefined;
  const { $schema: _draft, ...rest } = json;
  return rest;
}

/** The part of the system prompt that says what the final answer must look like. */
export function outputSchemaPrompt(schema: OutputSchema): string {
  const json = outputJsonSchema(schema);
  const structure = json
    ? `It must match this JSON Schema:\n\`\`\`json\n${JSON.stringify(json, null, 2)}\n\`\`\``
    : "It must match the structure the task asks for.";
  return (
    "\nYour final answer is checked against a schema before the run ends: give `final_answer` a " +
    "structured value (an object/dict, a list, …), not a string of JSON. If it does not match, you " +
    `are told what is wrong and answer again.\n${structure}`
  );
}

/**
 * Validates a final answer. Resolves to the value the schema gives back (a Standard Schema may
 * parse it: defaults, transforms); a string that fails is tried once more as JSON, since models
 * often answer with the JSON text of the object. Throws `AgentOutputValidationError`, which the
 * model reads as the step's error.
 */
export async function validateOutput(schema: OutputSchema, answer: unknown): Promise<unknown> {
  const first = await validateOnce(schema, answer);
  if (first.ok) return first.value;
  if (typeof answer === "string") {
    const parsed = parseJson(answer);
    if (parsed.ok) {
      const second = await validateOnce(schema, parsed.value);
      if (second.ok) return second.value;
    }
  }
  const lines = first.issues.map((issue) => `- ${issue}`).join("\n");
  throw new AgentOutputValidationError(
    `The final answer does not match the expected output schema:\n${lines}\n` +
      "Give a corrected final answer of the structure the system prompt shows.",
    first.issues,
  );
}

type Validation = { ok: true; value: unknown } | { ok: false; issues: string[] };

async function validateOnce(schema: OutputSchema, answer: unknown): Promise<Validation> {
  if (isStandardSchema(schema)) {
    const result = await schema["~standard"].validate(answer);
    if (!result.issues) return { ok: true, value: result.value };
    const issues = result.issues.map((issue) => {
      const path = (issue.path ?? []).map((part) =>
        typeof part === "object" && part !== null ? String(part.key) : String(part),
      );
      return path.length > 0 ? `at ${path.join(".")}: ${issue.message}` : issue.message;
    });
    return { ok: false, issues: issues.length > 0 ? issues : ["the schema rejected the answer"] };
  }
  // The JSON Schema keywords smol checks for tool arguments: type, enum, items, properties, required.
  const problem = checkValue(answer, schema, "the final answer");
  return problem === undefined ? { ok: true, value: answer } : { ok: false, issues: [problem] };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
