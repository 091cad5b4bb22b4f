import { describe, expect, it } from "vitest";
import { main } from "./main.js";
import { serverFromEnvironment } from "./mcp-agent.js";

describe("MCP tools in --fake mode", () => {
  it("calls the bundled MCP server's tools and answers", async () => {
    const { answer, transcript } = await main(["--fake"]);
    expect(answer).toBe("68 °F is 20 °C, and 26.2 miles is 42.165 km.");
    // The observations came from the server's tools: 68 °F → 20 °C, 26.2 mi → 42.165 km.
    expect(transcript).toMatch(/convert_temperature[\s\S]*\b20\b/);
    expect(transcript).toContain("42.165");
  }, 90_000);

  it("picks the server from the environment", () => {
    expect(serverFromEnvironment({ MCP_SERVER_URL: "http://127.0.0.1:9000/mcp" })).toEqual({
      url: "http://127.0.0.1:9000/mcp",
    });
    expect(serverFromEnvironment({ MCP_SERVER_COMMAND: "uvx  mcp-server-time" })).toEqual({
      command: "uvx",
      args: ["mcp-server-time"],
    });
  });
});
