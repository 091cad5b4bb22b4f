import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ToolWithInputs } from "./tool-with-inputs.js";

class Repeat extends ToolWithInputs({
  text: { type: "string", description: "The text." },
  times: { type: "integer", description: "How many times.", nullable: true },
}) {
  name = "repeat";
  description = "Repeats a text.";
  outputType = "string";
  forward({ text, times }: { text: string; times?: number | null }) {
    return text.repeat(times ?? 1);
  }
}

describe("ToolWithInputs", () => {
  it("gives the subclass its inputs, validated and called like any tool", async () => {
    const repeat = new Repeat();
    repeat.validate();
    expect(repeat.parameterNames).toEqual(["text", "times"]);
    expect(await repeat.call({ text: "ab", times: 3 })).toBe("ababab");
    expect(repeat.validateArguments({ text: 1 })).toMatchObject({ ok: false });
  });

  it("takes a zod object too", async () => {
    class Double extends ToolWithInputs(z.object({ n: z.number().describe("A number.") })) {
      name = "double";
      description = "Doubles a number.";
      outputType = "number";
      forward({ n }: { n: number }) {
        return n * 2;
      }
    }
    expect(await new Double().call({ n: 21 })).toBe(42);
  });
});
