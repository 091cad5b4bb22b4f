import type { z } from "zod";
import { Tool } from "./tool.js";
import type {
  DeclaredToolInputs,
  JsonSchema,
  ObjectJsonSchemaInputs,
  SchemaToolInputs,
  ToolCallOptions,
  ToolInputs,
  ToolOutputType,
  Zod3ObjectInputs,
} from "./types.js";

/** The TypeScript value of one declared input type (`image`, `audio` and `any` stay `unknown`). */
type ValueOfType<T> = T extends "string"
  ? string
  : T extends "boolean"
    ? boolean
    : T extends "integer" | "number"
      ? number
      : T extends "array"
        ? unknown[]
        : T extends "object"
          ? Record<string, unknown>
          : T extends "null"
            ? null
            : unknown;

type ValueOfInput<I> = I extends { enum: readonly (infer Allowed)[] }
  ? Allowed
  : I extends { type: readonly (infer T)[] }
    ? ValueOfType<T>
    : I extends { type: infer T }
      ? ValueOfType<T>
      : unknown;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * The arguments `forward` receives for some inputs: `z.output` of a zod object, or the dict
 * form mapped to TypeScript (`{ task: { type: "string" } }` → `{ task: string }`, nullable
 * inputs optional and `null`-able).
 */
export type ToolArguments<Inputs> =
  Inputs extends z.ZodObject<any>
    ? z.output<Inputs>
    : Inputs extends Zod3ObjectInputs
      ? Inputs["_output"]
      : Inputs extends { "~standard": { types?: { output: infer Output } | undefined } }
        ? Output extends object
          ? Output
          : Record<string, unknown>
        : Inputs extends ObjectJsonSchemaInputs
          ? Record<string, unknown>
          : Inputs extends ToolInputs
            ? Simplify<
                {
                  -readonly [K in keyof Inputs as Inputs[K] extends { nullable: true }
                    ? never
                    : K]: ValueOfInput<Inputs[K]>;
                } & {
                  -readonly [K in keyof Inputs as Inputs[K] extends { nullable: true }
                    ? K
                    : never]?: ValueOfInput<Inputs[K]> | null;
                }
              >
            : Record<string, unknown>;

/**
 * The TypeScript value of a declared output type (`image`, `audio` and `any` stay `unknown`;
 * so does a type only known at run time).
 */
export type ToolOutputValue<T> = [T] extends [never]
  ? unknown
  : T extends "string"
    ? string
    : T extends "integer" | "number"
      ? number
      : T extends "boolean"
        ? boolean
        : T extends "array"
          ? readonly unknown[]
          : T extends "object"
            ? object
            : T extends "null"
              ? null | undefined
              : unknown;

/** What `tool()` needs besides the function. */
export interface ToolDefinition<Inputs extends ToolInputs | SchemaToolInputs> {
  name: string;
  description: string;
  inputs: Inputs;
  outputType: ToolOutputType;
  outputSchema?: JsonSchema;
}

/** The function behind a `tool()`. */
export type ToolFunction<Inputs> = (args: ToolArguments<Inputs>, options: ToolCallOptions) => unknown;

/** A tool whose `forward` is a plain function; made by `tool()`. */
export class FunctionTool<Inputs extends DeclaredToolInputs = DeclaredToolInputs> extends Tool {
  name: string;
  description: string;
  inputs: Inputs;
  outputType: ToolOutputType;
  readonly #function: ToolFunction<Inputs>;

  constructor(
    definition: ToolDefinition<Inputs & (ToolInputs | SchemaToolInputs)>,
    implementation: ToolFunction<Inputs>,
  ) {
    super();
    this.name = definition.name;
    this.description = definition.description;
    this.inputs = definition.inputs;
    this.outputType = definition.outputType;
    if (definition.outputSchema !== undefined) this.outputSchema = definition.outputSchema;
    this.#function = implementation;
    this.validate();
  }

  /** The function given to `tool()`; read by serializers (`@smol/hub` saves its source). */
  get implementation(): ToolFunction<Inputs> {
    return this.#function;
  }

  forward(args: Record<string, any>, options: ToolCallOptions = {}): unknown {
    return this.#function(args as ToolArguments<Inputs>, options);
  }
}

/**
 * Makes a tool from a function. The definition is checked at once (`ToolDefinitionError`),
 * the function's arguments are typed from the inputs, and what it returns must fit the
 * `outputType` (a `string` tool returning a number does not compile).
 *
 * @example
 * const modelDownloadTool = tool(
 *   {
 *     name: "model_download_tool",
 *     description: "Returns the most downloaded model of a given task on the Hub.",
 *     inputs: { task: { type: "string", description: "The task." } },
 *     outputType: "string",
 *   },
 *   async ({ task }) => `most-downloaded/${task}`,
 * );
 *
 * @example
 * const add = tool(
 *   { name: "add", description: "Adds two integers.", outputType: "integer",
 *     inputs: z.object({ a: z.number().int().describe("First."), b: z.number().int().describe("Second.") }) },
 *   ({ a, b }) => a + b,
 * );
 */
export function tool<
  const Inputs extends ToolInputs | SchemaToolInputs,
  const Output extends ToolOutputType = ToolOutputType,
>(
  definition: ToolDefinition<Inputs> & { outputType: Output },
  implementation: (
    args: ToolArguments<Inputs>,
    options: ToolCallOptions,
  ) => ToolOutputValue<Output> | Promise<ToolOutputValue<Output>>,
): FunctionTool<Inputs> {
  return new FunctionTool(definition, implementation);
}
