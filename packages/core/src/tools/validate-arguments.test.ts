import { describe, expect, it } from "vitest";
import { z } from "zod";
import { tool } from "./function-tool.js";

const search = tool(
  {
    name: "search",
    description: "Searches a catalogue.",
    inputs: {
      query: { type: "string", description: "What to look for." },
      limit: { type: "integer", description: "Maximum results.", nullable: true },
      threshold: { type: "number", description: "Minimum score." },
      mode: { type: "string", description: "Search mode.", enum: ["fast", "exact"] },
      tags: { type: "array", description: "Tags to match.", items: { type: "string" }, nullable: true },
      filters: {
        type: "object",
        description: "Field filters.",
        properties: { year: { type: "integer" } },
        required: ["year"],
        nullable: true,
      },
      extra: { type: ["string", "null"], description: "A note or null." },
      payload: { type: "any", description: "Anything.", nullable: true },
    },
    outputType: "string",
  },
  () => "",
);

const minimal = { query: "smol", threshold: 0.5, mode: "fast", extra: null };
const signature =
  "Expected: search(query: string, threshold: number, mode: string, extra: string | null, limit?: integer, tags?: array, filters?: object, payload?: any)";

function errorOf(args: unknown): string {
  const result = search.validateArguments(args);
  if (result.ok) throw new Error("expected the arguments to be rejected");
  return result.error;
}

describe("Tool.validateArguments with dict inputs", () => {
  it("accepts valid arguments and returns them", () => {
    expect(search.validateArguments(minimal)).toEqual({ ok: true, value: minimal });
    const full = { ...minimal, limit: 3, tags: ["a"], filters: { year: 2024 }, payload: { any: ["thing"] } };
    expect(search.validateArguments(full)).toEqual({ ok: true, value: full });
  });

  it("reports a missing required argument with its type and description, then the signature", () => {
    expect(errorOf({ threshold: 0.5, mode: "fast", extra: null })).toBe(
      `Invalid arguments for tool "search":\n- missing required argument "query" (string: What to look for.)\n${signature}`,
    );
  });

  it("reports unknown arguments", () => {
    expect(errorOf({ ...minimal, colour: "red" })).toContain('- unknown argument "colour"');
  });

  it("reports a value of the wrong type", () => {
    expect(errorOf({ ...minimal, query: 42 })).toContain(
      '- argument "query" must be a string, got the integer 42',
    );
    expect(errorOf({ ...minimal, tags: "a" })).toContain(
      '- argument "tags" must be an array, got the string "a"',
    );
    expect(errorOf({ ...minimal, filters: [1] })).toContain(
      '- argument "filters" must be an object, got an array',
    );
  });

  it("tells integers from other numbers", () => {
    expect(errorOf({ ...minimal, limit: 2.5 })).toContain(
      '- argument "limit" must be an integer, got the number 2.5',
    );
    expect(search.validateArguments({ ...minimal, threshold: 1 }).ok).toBe(true);
  });

  it("allows null and absence only where nullable", () => {
    expect(search.validateArguments({ ...minimal, limit: null, tags: null }).ok).toBe(true);
    expect(errorOf({ ...minimal, query: null })).toContain('- argument "query" must be a string, got null');
    expect(search.validateArguments({ ...minimal, extra: "note" }).ok).toBe(true);
    expect(errorOf({ query: "smol", threshold: 0.5, mode: "fast" })).toContain(
      'missing required argument "extra"',
    );
  });

  it("enforces enums", () => {
    expect(errorOf({ ...minimal, mode: "slow" })).toContain(
      '- argument "mode" must be one of "fast", "exact", got the string "slow"',
    );
  });

  it("checks array items and object keys", () => {
    expect(errorOf({ ...minimal, tags: ["a", 2] })).toContain(
      '- argument "tags" item 1 must be a string, got the integer 2',
    );
    expect(errorOf({ ...minimal, filters: {} })).toContain('- argument "filters" is missing the key "year"');
    expect(errorOf({ ...minimal, filters: { year: "2024" } })).toContain(
      '- argument "filters" key "year" must be an integer, got the string "2024"',
    );
  });

  it("lists every problem", () => {
    const lines = errorOf({ query: 1, threshold: "high", mode: "fast", extra: null, bogus: true }).split(
      "\n",
    );
    expect(lines).toEqual([
      'Invalid arguments for tool "search":',
      '- unknown argument "bogus"',
      '- argument "query" must be a string, got the integer 1',
      '- argument "threshold" must be a number, got the string "high"',
      signature,
    ]);
  });

  it("rejects arguments that are not an object", () => {
    expect(errorOf("smol")).toContain(
      '- the arguments must be an object of named arguments, got the string "smol"',
    );
    expect(errorOf(["smol"])).toContain("got an array");
    expect(errorOf(null)).toContain("got null");
  });
});

describe("Tool.validateArguments with zod inputs", () => {
  const schedule = tool(
    {
      name: "schedule",
      description: "Schedules a meeting.",
      inputs: z.object({
        title: z.string().describe("Meeting title."),
        minutes: z.number().int().positive().describe("Duration in minutes."),
        room: z.string().optional().describe("Room name."),
        priority: z.enum(["low", "high"]).nullable().describe("Priority."),
      }),
      outputType: "string",
    },
    () => "",
  );

  it("accepts valid arguments, filling a missing nullable field with null and dropping a null optional one", () => {
    expect(schedule.validateArguments({ title: "Sync", minutes: 30, room: null })).toEqual({
      ok: true,
      value: { title: "Sync", minutes: 30, priority: null },
    });
  });

  it("does not coerce", () => {
    const result = schedule.validateArguments({ title: "Sync", minutes: "30", priority: "low" });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(
      '- argument "minutes": Invalid input: expected number, received string',
    );
  });

  it("reports zod refinements, missing fields, unknown fields and the signature", () => {
    const result = schedule.validateArguments({ minutes: -5, priority: "urgent", place: "here" });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.split("\n")).toEqual([
      'Invalid arguments for tool "schedule":',
      '- unknown argument "place"',
      '- missing required argument "title" (string: Meeting title.)',
      '- argument "minutes": Too small: expected number to be >0',
      '- argument "priority": Invalid option: expected one of "low"|"high"',
      "Expected: schedule(title: string, minutes: integer, room?: string, priority?: string)",
    ]);
  });
});
