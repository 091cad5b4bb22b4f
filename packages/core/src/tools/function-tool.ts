import { Tool } from "./tool.js";
import type { ToolArguments } from "./tool-arguments.js";
import type {
  DeclaredToolInputs,
  JsonSchema,
  NeedsApproval,
  SchemaToolInputs,
  ToolCallOptions,
  ToolInputs,
  ToolOutputType,
} from "./types.js";

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

export type { ToolArguments } from "./tool-arguments.js";

/** What `tool()` needs besides the function. */
export interface ToolDefinition<Inputs extends ToolInputs | SchemaToolInputs> {
  name: string;
  description: string;
  inputs: Inputs;
  outputType: ToolOutputType;
  outputSchema?: JsonSchema;
  /** Calls must be approved before they run: always (`true`), or when this function says so. */
  needsApproval?: NeedsApproval<ToolArguments<Inputs>>;
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
    // `needsApproval` is typed by `tool()`, which knows the inputs' literal types.
    definition: Omit<ToolDefinition<Inputs & (ToolInputs | SchemaToolInputs)>, "needsApproval"> & {
      needsApproval?: NeedsApproval<any>;
    },
    implementation: ToolFunction<Inputs>,
  ) {
    super();
    this.name = definition.name;
    this.description = definition.description;
    this.inputs = definition.inputs;
    this.outputType = definition.outputType;
    if (definition.outputSchema !== undefined) this.outputSchema = definition.outputSchema;
    if (definition.needsApproval !== undefined) this.needsApproval = definition.needsApproval;
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
