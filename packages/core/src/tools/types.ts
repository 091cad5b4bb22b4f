import type { z } from "zod";
import type { AgentContext } from "../agents/agent-context.js";

/** Every type a tool input or output may declare (smolagents' authorized types). */
export const TOOL_TYPES = [
  "string",
  "boolean",
  "integer",
  "number",
  "image",
  "audio",
  "array",
  "object",
  "any",
  "null",
] as const;

/** The type of one tool input. `image` and `audio` travel as bytes (PNG for images). */
export type ToolInputType = (typeof TOOL_TYPES)[number];

/** The type of a tool's output: the same set as the inputs. */
export type ToolOutputType = ToolInputType;

/** A JSON schema fragment (`items`, `properties`, an output schema, …). */
export type JsonSchema = Record<string, unknown>;

/**
 * One input of a tool, in the smolagents dict form.
 *
 * @example
 * const limit: ToolInput = { type: "integer", description: "How many results.", nullable: true };
 */
export interface ToolInput {
  /** One type, or several (a union). */
  type: ToolInputType | readonly ToolInputType[];
  description: string;
  /** The argument may be left out or given as `null`. */
  nullable?: boolean;
  /** The only values allowed. */
  enum?: readonly unknown[];
  /** JSON schema of the elements, for `array` inputs. */
  items?: JsonSchema;
  /** JSON schemas of the keys, for `object` inputs. */
  properties?: Record<string, JsonSchema>;
  /** Keys an `object` input must have. */
  required?: readonly string[];
}

/** The inputs of a tool by argument name, in the order the arguments are declared. */
export type ToolInputs = Record<string, ToolInput>;

/**
 * What a `Tool` subclass may assign to `inputs` without `as const`: a plain field initializer
 * widens `type: "string"` to `type: string`, so the class accepts any string here and
 * `validate()` checks the value at runtime.
 */
export interface DeclaredToolInput extends Omit<ToolInput, "type"> {
  type: ToolInputType | readonly ToolInputType[] | (string & {}) | readonly string[];
}

/** A zod 3 object (the `zod@3` package or `zod/v3`), read by shape. */
export interface Zod3ObjectInputs {
  _def: { typeName: unknown };
  _output: object;
  shape: object;
  safeParse(value: unknown): unknown;
}

/** A Standard Schema that can give its JSON Schema (valibot, ArkType, zod ≥ 4.2, …). */
export interface StandardJsonSchemaInputs {
  "~standard": {
    jsonSchema: { input(options: { target: string }): Record<string, unknown> };
    types?: { input: unknown; output: unknown } | undefined;
  };
}

/** A plain JSON Schema of an object. */
export interface ObjectJsonSchemaInputs {
  type: "object";
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  [keyword: string]: unknown;
}

/** Inputs given as a schema rather than in the dict form: zod 4 or 3, Standard JSON Schema, JSON Schema. */
export type SchemaToolInputs =
  | z.ZodObject<any>
  | Zod3ObjectInputs
  | StandardJsonSchemaInputs
  | ObjectJsonSchemaInputs;

/** The declared inputs of a tool: the dict form (checked at runtime) or a schema. */
export type DeclaredToolInputs = Record<string, DeclaredToolInput> | SchemaToolInputs;

/** Options of one tool call. */
export interface ToolCallOptions {
  /** Aborts the call; tools that do I/O should pass it on. */
  signal?: AbortSignal;
  /**
   * Set by an executor that limits how long code may run (`timeoutSeconds`), on the calls the
   * code makes: what `wait` takes (a human deciding whether the call may run) does not count
   * against the limit. Resolves or rejects as `wait` does.
   */
  pauseTimeout?: <T>(wait: Promise<T>) => Promise<T>;
}

/**
 * Whether a call of a tool must be approved before it runs: `true` for every call, or a
 * function of the call's arguments (validated, by name) and the run's `AgentContext`. The run
 * then emits an `approval-request` event and waits for `session.approve(id)` or
 * `session.reject(id, reason)`, or asks the run's `onApproval`.
 *
 * @example
 * const needsApproval: NeedsApproval<{ amount: number }> = ({ amount }) => amount > 100;
 */
export type NeedsApproval<Args = Record<string, any>> =
  | boolean
  // A method type, so that a function typed for the tool's own arguments is accepted.
  | { decide(args: Args, context: AgentContext): boolean | Promise<boolean> }["decide"];

/** The result of `Tool.validateArguments`: the arguments to run with, or what was wrong. */
export type ArgumentValidationResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; error: string };

/** A serializable description of a tool (no code). */
export interface ToolDict {
  name: string;
  description: string;
  inputs: ToolInputs;
  outputType: string;
  outputSchema?: JsonSchema;
}

/** The declarative part of a tool: what the helpers of this folder read. `Tool` satisfies it. */
export interface ToolDescription {
  name: string;
  description: string;
  inputs: DeclaredToolInputs;
  outputType: string;
  outputSchema?: JsonSchema | undefined;
}
