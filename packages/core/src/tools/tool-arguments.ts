import type { z } from "zod";
import type { ObjectJsonSchemaInputs, SchemaToolInputs, ToolInputs, Zod3ObjectInputs } from "./types.js";

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
 * One dict-form input's argument, for `forward`: a `type` TypeScript widened to `string` (a
 * field written without `as const`) says nothing, so that argument is left unchecked.
 */
type ForwardValue<Input> = Input extends { type: infer T }
  ? string extends T
    ? any
    : ValueOfInput<Input>
  : never;

/** Whether `forward` may go without a dict-form input: a nullable one, declared literally. */
type MayBeLeftOut<Input> = Input extends { nullable: true; type: infer T }
  ? string extends T
    ? false
    : true
  : false;

/**
 * What a `Tool` subclass's `forward` receives, from its own `inputs` (`forward(args:
 * ForwardArguments<this["inputs"]>)`): checked when TypeScript knows the input types — a zod
 * or Standard Schema object, or the dict form kept literal with `as const` / `satisfies
 * ToolInputs` — so a `forward({ n }: { n: number })` under a `"string"` input does not compile.
 * A plain field without `as const` is widened by TypeScript (`type: string`), which says
 * nothing: those arguments stay unchecked (`any`), as before.
 *
 * TypeScript checks a subclass's `forward` against this type taken at the subclass's `inputs`
 * (a distributive conditional type resolves through its check type's constraint), so it stays
 * distributive over a naked `Inputs`, and no branch may be `any` or `never` (TypeScript would
 * then fall back to the union of the branches, which an `any` makes accept everything). So a
 * field annotated with a broad type (`inputs: ToolInputs`) names no argument, and its `forward`
 * takes `Record<string, unknown>`: write `satisfies ToolInputs` to keep the names.
 */
export type ForwardArguments<Inputs> =
  Inputs extends Record<string, { type: unknown }>
    ? Simplify<
        {
          -readonly [K in keyof Inputs as MayBeLeftOut<Inputs[K]> extends true ? never : K]: ForwardValue<
            Inputs[K]
          >;
        } & {
          -readonly [K in keyof Inputs as MayBeLeftOut<Inputs[K]> extends true ? K : never]?: ForwardValue<
            Inputs[K]
          > | null;
        }
      >
    : Inputs extends SchemaToolInputs
      ? ToolArguments<Inputs>
      : Record<string, unknown>;
