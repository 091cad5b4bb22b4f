import { startFakeWebServer } from "@smol/testing";
import { it } from "vitest";
import { WebSearchTool } from "@smol/tools-toolkit";
it("peek", async () => {
  await using web = await startFakeWebServer();
  for (const engine of ["duckduckgo", "exa"] as const) {
    const tool = new WebSearchTool({ engine, endpoint: web.endpoints[engine], minIntervalSeconds: 0, maxResults: 2, apiKey: "test-key" });
    console.log(await tool.call({ query: "Who's the current president of Russia?" }));
  }
  web.fail("brave", { status: 500 });
  console.log(await new WebSearchTool({ engine: "brave", endpoint: web.endpoints.brave, apiKey: "x", minIntervalSeconds: 0 }).call({ query: "q" }));
});
