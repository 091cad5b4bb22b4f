import { describe, expect, it } from "vitest";
import { main } from "./main.js";

describe("research assistant in --fake mode", () => {
  it("delegates to the web researcher, which searches, and answers with its report", async () => {
    const answer = await main(["--fake"]);
    expect(answer).toContain("smol is the TypeScript home of Hugging Face's smolagents");
    // The managed agent's report is wrapped by the manager's call.
    expect(answer).toContain("web_researcher");
  }, 90_000);
});
