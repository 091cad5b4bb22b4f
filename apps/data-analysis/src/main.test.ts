import { describe, expect, it } from "vitest";
import { main } from "./main.js";

describe("data analysis in --fake mode", () => {
  it("computes the statistics of the bundled CSV in the sandbox", async () => {
    const answer = (await main(["--fake"])) as Record<string, unknown>;
    // Computed by the sandbox's Python from sales.csv: north 2400, 2700, 2560, 3000.
    expect(answer.north).toEqual({ mean: 2665, stdev: 254.75, growth: 600 });
    expect(answer.south).toMatchObject({ mean: 2132.75, growth: 285 });
    expect(answer.fastest_growth).toBe("north");
  }, 90_000);
});
