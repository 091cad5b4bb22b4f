import { describe, expect, it } from "vitest";
import { checkJsonShape } from "./json-shape.js";

const limits = { maxDepth: 3, maxValues: 10 };

describe("checkJsonShape", () => {
  it("accepts JSON within the limits", async () => {
    expect(await checkJsonShape('{"a":[[1,2]],"b":"x"}', limits)).toBeUndefined();
  });

  it("counts depth and values outside strings only", async () => {
    expect(await checkJsonShape('["[[[[[[,,,,,,,,,,,,]]]]\\"[[[[", "\\\\"]', limits)).toBeUndefined();
    expect(await checkJsonShape("[[[[]]]]", limits)).toBe("nested deeper than 3 levels");
    expect(await checkJsonShape(`[${Array(11).fill("0").join(",")}]`, limits)).toBe("more than 10 values");
  });

  it("starts where it is told (after a protocol prefix)", async () => {
    expect(await checkJsonShape("[[[[ [1]", limits, 5)).toBeUndefined();
  });

  it("follows strings and escapes across the slices of a long text", async () => {
    // Strings of 300 KiB, so that slice boundaries fall inside strings and escapes.
    const filler = `${"\\\\".repeat(100_000)}${'\\"['.repeat(50_000)}x`.repeat(2);
    const text = `[${`"${filler}",`.repeat(4)}[[["${filler}"]]]]`;
    expect(JSON.parse(text)).toHaveLength(5);
    expect(await checkJsonShape(text, limits)).toBe("nested deeper than 3 levels");
    expect(await checkJsonShape(text, { maxDepth: 4, maxValues: 10 })).toBeUndefined();
  });

  it("refuses [{},{},…] at the value limit without reading it all", async () => {
    const text = `[${Array(1_000_000).fill("{}").join(",")}]`;
    expect(await checkJsonShape(text, { maxDepth: 10, maxValues: 200_000 })).toBe("more than 200000 values");
  });
});
