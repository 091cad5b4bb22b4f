/**
 * Type tests, compiled by the root `tsc` (part of the test command; vitest does not run this
 * file): each `@ts-expect-error` line must fail to compile, or tsc reports the directive unused.
 */
import { z as z4 } from "zod";
import { z as zod3Package } from "zod3";
import { tool } from "./function-tool.js";
import { Tool } from "./tool.js";
import { ToolWithInputs } from "./tool-with-inputs.js";

const description = "A test tool.";

// A tool's function must return what its outputType declares.
tool({ name: "count", description, inputs: {}, outputType: "number" }, () => 42);
tool({ name: "count_async", description, inputs: {}, outputType: "integer" }, async () => 42);
tool({ name: "say", description, inputs: {}, outputType: "string" }, async () => "hello");
tool({ name: "anything", description, inputs: {}, outputType: "any" }, () => ({ a: 1 }));
tool({ name: "dict", description, inputs: {}, outputType: "object" }, () => ({ a: 1 }));
// @ts-expect-error a number tool that returns a string
tool({ name: "count_text", description, inputs: {}, outputType: "number" }, () => "42");
// @ts-expect-error a string tool whose promise resolves to a number
tool({ name: "say_number", description, inputs: {}, outputType: "string" }, async () => 42);
// @ts-expect-error a boolean tool that returns nothing
tool({ name: "flag", description, inputs: {}, outputType: "boolean" }, () => undefined);

// Its arguments are typed from the inputs, in each schema form.
tool(
  { name: "dict_form", description, outputType: "string", inputs: { city: { type: "string", description } } },
  // @ts-expect-error `city` is a string, not a number
  ({ city }) => city.toFixed(),
);
tool(
  { name: "zod_4", description, outputType: "string", inputs: z4.object({ n: z4.number().describe("n") }) },
  // @ts-expect-error `n` is a number
  ({ n }) => n.toUpperCase(),
);
tool(
  {
    name: "zod_3",
    description,
    outputType: "string",
    inputs: zod3Package.object({ n: zod3Package.number().describe("n") }),
  },
  // @ts-expect-error `n` is a number under zod 3 too
  ({ n }) => n.toUpperCase(),
);
tool(
  {
    name: "zod_3_ok",
    description,
    outputType: "string",
    inputs: zod3Package.object({ n: zod3Package.number().describe("n") }),
  },
  ({ n }) => n.toFixed(1),
);

// A Tool subclass built on ToolWithInputs has its forward checked against the inputs.
class Repeat extends ToolWithInputs({
  text: { type: "string", description },
  times: { type: "integer", description, nullable: true },
}) {
  name = "repeat";
  description = description;
  outputType = "string";
  forward({ text, times }: { text: string; times?: number | null }) {
    return text.repeat(times ?? 1);
  }
}
new Repeat();

class Mismatched extends ToolWithInputs({ n: { type: "string", description } }) {
  name = "mismatched";
  description = description;
  outputType = "string";
  // @ts-expect-error forward takes a number where the input is a string
  forward({ n }: { n: number }) {
    return n.toFixed();
  }
}
new Mismatched();

class ZodBacked extends ToolWithInputs(z4.object({ n: z4.number().describe("n") })) {
  name = "zod_backed";
  description = description;
  outputType = "number";
  // @ts-expect-error the zod input is a number, forward wants a string
  forward({ n }: { n: string }) {
    return n.length;
  }
}
new ZodBacked();

// A plain Tool subclass has its forward checked when its inputs keep their literal types.
class ConstInputs extends Tool {
  name = "const_inputs";
  description = description;
  inputs = { n: { type: "string", description } } as const;
  outputType = "string";
  forward({ n }: { n: string }) {
    return n;
  }
}
new ConstInputs();

class ConstMismatch extends Tool {
  name = "const_mismatch";
  description = description;
  inputs = { n: { type: "string", description } } as const;
  outputType = "string";
  // @ts-expect-error forward takes a number where the input is a string
  forward({ n }: { n: number }) {
    return n.toFixed();
  }
}
new ConstMismatch();

class SatisfiesMismatch extends Tool {
  name = "satisfies_mismatch";
  description = description;
  inputs = { flag: { type: "boolean", description } } satisfies Record<
    string,
    { type: "boolean"; description: string }
  >;
  outputType = "string";
  // @ts-expect-error forward takes a string where the input is a boolean
  forward({ flag }: { flag: string }) {
    return flag;
  }
}
new SatisfiesMismatch();

class ZodMismatch extends Tool {
  name = "zod_mismatch";
  description = description;
  inputs = z4.object({ n: z4.number().describe("n") });
  outputType = "string";
  // @ts-expect-error forward takes a string where the zod input is a number
  forward({ n }: { n: string }) {
    return n;
  }
}
new ZodMismatch();

class ZodMatch extends Tool {
  name = "zod_match";
  description = description;
  inputs = z4.object({ n: z4.number().describe("n") });
  outputType = "string";
  forward({ n }: { n: number }) {
    return n.toFixed();
  }
}
new ZodMatch();

// A plain field without `as const` is widened by TypeScript (`type: string`): forward stays unchecked.
class WidenedInputs extends Tool {
  name = "widened_inputs";
  description = description;
  inputs = { n: { type: "string", description } };
  outputType = "string";
  forward({ n }: { n: number }) {
    return n.toFixed();
  }
}
new WidenedInputs();
