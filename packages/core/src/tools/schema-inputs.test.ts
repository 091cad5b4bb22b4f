/**
 * A tool's inputs in each schema form smol accepts — zod 4, zod 3 (`zod/v3` and the zod 3
 * package), a Standard Schema that gives its JSON Schema, plain JSON Schema — give the same
 * inputs, the same JSON schema for the model, and real argument validation.
 */
import { describe, expect, it } from "vitest";
import { z as z4 } from "zod";
import { z as zodV3 } from "zod/v3";
import { z as zod3Package } from "zod3";
import { ToolDefinitionError } from "../errors.js";
import { tool } from "./function-tool.js";
import { toolJsonSchema } from "./json-schema.js";
import type { StandardJsonSchemaInputs } from "./types.js";

const expectedInputs = {
  city: { type: "string", description: "The city." },
  days: { type: "integer", description: "How many days.", nullable: true },
  unit: { type: "string", description: "The unit.", enum: ["C", "F"] },
};

function forecastTool(inputs: never) {
  return tool(
    { name: "forecast", description: "The forecast.", inputs, outputType: "string" },
    (args: Record<string, unknown>) => JSON.stringify(args),
  );
}

/** A minimal Standard JSON Schema library, as valibot's or ArkType's adapters give one. */
const standardSchema: StandardJsonSchemaInputs = {
  "~standard": {
    jsonSchema: {
      input: () => ({
        type: "object",
        properties: {
          city: { type: "string", description: "The city." },
          days: { type: "integer", description: "How many days." },
          unit: { type: "string", enum: ["C", "F"], description: "The unit." },
        },
        required: ["city", "unit"],
      }),
    },
  },
};

const forms = {
  "zod 4": z4.object({
    city: z4.string().describe("The city."),
    days: z4.number().int().optional().describe("How many days."),
    unit: z4.enum(["C", "F"]).describe("The unit."),
  }),
  "zod/v3": zodV3.object({
    city: zodV3.string().describe("The city."),
    days: zodV3.number().int().optional().describe("How many days."),
    unit: zodV3.enum(["C", "F"]).describe("The unit."),
  }),
  "the zod 3 package": zod3Package.object({
    city: zod3Package.string().describe("The city."),
    days: zod3Package.number().int().optional().describe("How many days."),
    unit: zod3Package.enum(["C", "F"]).describe("The unit."),
  }),
  "a Standard JSON Schema": standardSchema,
  "plain JSON Schema": {
    type: "object",
    properties: {
      city: { type: "string", description: "The city." },
      days: { type: "integer", description: "How many days." },
      unit: { type: "string", enum: ["C", "F"], description: "The unit." },
    },
    required: ["city", "unit"],
  },
} as const;

describe.each(Object.entries(forms))("inputs as %s", (_form, inputs) => {
  const forecast = forecastTool(inputs as never);

  it("give the declared inputs, not the schema library's internals", () => {
    expect(forecast.inputSchema).toEqual(expectedInputs);
  });

  it("give the model a JSON schema with the fields, required ones listed", () => {
    const { parameters } = toolJsonSchema(forecast);
    expect(Object.keys(parameters.properties as object)).toEqual(["city", "days", "unit"]);
    expect(parameters.required).toEqual(["city", "unit"]);
  });

  it("validate the arguments", () => {
    expect(forecast.validateArguments({ city: "Lyon", unit: "C" })).toMatchObject({ ok: true });
    const wrong = forecast.validateArguments({ city: 3, unit: "K" });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.error).toMatch(/city/);
  });
});

describe("schema inputs without descriptions", () => {
  it("are refused, naming the field, for zod 3 as for the others", () => {
    const make = () => forecastTool(zod3Package.object({ city: zod3Package.string() }) as never);
    expect(make).toThrow(ToolDefinitionError);
    expect(make).toThrow(/input "city" has no description/);
  });
});
