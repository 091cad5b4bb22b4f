import {
  type ChatMessageToolCall,
  type GenerateOptions,
  ModelConfigurationError,
  type ToolSpec,
} from "@smol/core";
import type { GbnfJsonSchema } from "node-llama-cpp";

type JsonSchema = Record<string, unknown>;

const primitiveTypes = new Set(["string", "number", "integer", "boolean", "null"]);

/** Keywords that apply to one type only, lost if a type list were kept as a list. */
const typeConstraints = ["minLength", "maxLength", "format", "properties", "items", "minItems", "maxItems"];

/** Any JSON value: what an argument without a type (smol's `any`) may hold. */
const anyValue: GbnfJsonSchema = {
  oneOf: [
    { type: ["string", "number", "boolean", "null"] },
    { type: "array" },
    { type: "object", additionalProperties: true },
  ],
};

/**
 * The JSON schema the model's whole output must follow when it is to call a tool: one object
 * `{"name": <one of the tools>, "arguments": <that tool's arguments>}`. A named `toolChoice`
 * narrows it to that tool. llama.cpp turns it into a grammar, so the output always parses and
 * always names a real tool with arguments of the right shape.
 *
 * @example
 * toolCallSchema([weatherTool], "required");
 * // { type: "object", properties: { name: { const: "get_weather" }, arguments: { … } }, required: ["name", "arguments"] }
 */
export function toolCallSchema(
  tools: readonly ToolSpec[],
  toolChoice: GenerateOptions["toolChoice"],
): GbnfJsonSchema {
  const chosen =
    typeof toolChoice === "object" ? tools.filter((tool) => tool.name === toolChoice.name) : tools;
  const branches = chosen.map(
    (tool): GbnfJsonSchema => ({
      type: "object",
      properties: { name: { const: tool.name }, arguments: toGrammarSchema(tool.parameters) },
      required: ["name", "arguments"],
      additionalProperties: false,
    }),
  );
  if (branches.length === 0) {
    const name = typeof toolChoice === "object" ? toolChoice.name : "";
    throw new ModelConfigurationError(
      `toolChoice names the tool "${name}", which is not among the tools given.`,
    );
  }
  return branches.length === 1 ? branches[0]! : { oneOf: branches };
}

/**
 * A tool's JSON schema in the subset llama.cpp's JSON grammar takes: `type` (one or a list),
 * `enum`, `const`, `anyOf`/`oneOf`, object `properties`/`required`/`additionalProperties`, array
 * `items`/`minItems`/`maxItems`, string `minLength`/`maxLength`/`format` (dates). Other keywords
 * are dropped, which loosens the grammar but never makes it reject valid arguments; what it
 * cannot express (`$ref`, no type at all) becomes any JSON value.
 */
export function toGrammarSchema(schema: unknown): GbnfJsonSchema {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return anyValue;
  const source = schema as JsonSchema;
  const description = typeof source.description === "string" ? { description: source.description } : {};
  if (Array.isArray(source.enum)) {
    const values = source.enum.filter(
      (value) => value === null || ["string", "number", "boolean"].includes(typeof value),
    );
    if (values.length > 0) return { enum: values as (string | number | boolean | null)[], ...description };
  }
  if (
    "const" in source &&
    (source.const === null || ["string", "number", "boolean"].includes(typeof source.const))
  ) {
    return { const: source.const as string | number | boolean | null, ...description };
  }
  const alternatives = (source.anyOf ?? source.oneOf) as unknown;
  if (Array.isArray(alternatives) && alternatives.length > 0) {
    return { oneOf: alternatives.map(toGrammarSchema), ...description };
  }
  const types =
    typeof source.type === "string"
      ? [source.type]
      : Array.isArray(source.type)
        ? (source.type as string[])
        : [];
  if (types.length === 0) return anyValue;
  if (types.length > 1) {
    // `type: ["string", "null"]` with `maxLength` keeps the bound only as a union of single types.
    const constrained = typeConstraints.some((keyword) => keyword in source);
    if (!constrained && types.every((type) => primitiveTypes.has(type))) {
      return { type: types as ("string" | "number" | "integer" | "boolean" | "null")[], ...description };
    }
    return { oneOf: types.map((type) => toGrammarSchema({ ...source, type })), ...description };
  }
  return singleType(types[0]!, source, description);
}

function singleType(type: string, source: JsonSchema, description: { description?: string }): GbnfJsonSchema {
  switch (type) {
    case "object": {
      const properties = isObject(source.properties) ? source.properties : undefined;
      const propertyNames = Object.keys(properties ?? {});
      const required = Array.isArray(source.required)
        ? (source.required as unknown[]).filter(
            (name): name is string => typeof name === "string" && propertyNames.includes(name),
          )
        : [];
      // A schema that lists its properties means those; one that lists none means any object.
      const additional = isObject(source.additionalProperties)
        ? toGrammarSchema(source.additionalProperties)
        : typeof source.additionalProperties === "boolean"
          ? source.additionalProperties
          : propertyNames.length === 0;
      return {
        type: "object",
        ...(properties
          ? {
              properties: Object.fromEntries(
                propertyNames.map((name) => [name, toGrammarSchema(properties[name])]),
              ),
            }
          : {}),
        ...(required.length > 0 ? { required } : {}),
        additionalProperties: additional,
        ...description,
      };
    }
    case "array":
      return {
        type: "array",
        ...(source.items !== undefined && !Array.isArray(source.items)
          ? { items: toGrammarSchema(source.items) }
          : {}),
        ...(typeof source.minItems === "number" ? { minItems: source.minItems } : {}),
        ...(typeof source.maxItems === "number" ? { maxItems: source.maxItems } : {}),
        ...description,
      };
    case "string": {
      if (source.format === "date-time" || source.format === "date" || source.format === "time") {
        return { type: "string", format: source.format, ...description };
      }
      return {
        type: "string",
        ...(typeof source.minLength === "number" ? { minLength: source.minLength } : {}),
        ...(typeof source.maxLength === "number" ? { maxLength: source.maxLength } : {}),
        ...description,
      };
    }
    case "number":
    case "integer":
    case "boolean":
    case "null":
      return { type, ...description };
    default:
      return anyValue;
  }
}

/**
 * The grammar-constrained output as a tool call. The grammar makes it valid JSON unless the
 * generation was cut (by `maxTokens` or the context size). Then the tool is still known when its
 * name was written, or when only one tool was allowed, and the call carries the raw text as
 * arguments, for the agent to explain to the model; with no tool to name, the text is returned
 * as content.
 */
export function parseToolCallOutput(
  text: string,
  callId: string,
  toolNames: readonly string[] = [],
): { toolCalls: ChatMessageToolCall[]; content: string } {
  try {
    const parsed = JSON.parse(text) as { name?: unknown; arguments?: unknown };
    if (typeof parsed.name === "string") {
      const argumentsValue = isObject(parsed.arguments)
        ? parsed.arguments
        : JSON.stringify(parsed.arguments ?? {});
      return {
        toolCalls: [
          { id: callId, type: "function", function: { name: parsed.name, arguments: argumentsValue } },
        ],
        content: "",
      };
    }
  } catch {
    // Cut output: fall through to reading what is there.
  }
  const written = /"name"\s*:\s*"([^"]*)(")?/.exec(text);
  const candidates = toolNames.filter((name) => written === null || name.startsWith(written[1]!));
  const name = written?.[2] ? written[1] : candidates.length === 1 ? candidates[0] : undefined;
  if (!name) return { toolCalls: [], content: text };
  const argumentsText = /"arguments"\s*:\s*([\s\S]*)$/.exec(text)?.[1] ?? text;
  return {
    toolCalls: [{ id: callId, type: "function", function: { name, arguments: argumentsText } }],
    content: "",
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
