import { fileURLToPath } from "node:url";
import { AgentToolExecutionError, type Tool } from "@smol/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpConnectionError, ToolConfigurationError } from "../errors.js";
import { type DemoHttpServer, startDemoHttpServer } from "./fixtures/http-server.js";
import { MCPClient } from "./mcp-client.js";
import type { McpTool } from "./mcp-tool.js";
import type { StdioServerParameters } from "./server-parameters.js";
import { ToolCollection } from "./tool-collection.js";

const stdioServer: StdioServerParameters = {
  command: process.execPath,
  args: [fileURLToPath(new URL("./fixtures/stdio-server.mjs", import.meta.url))],
  env: { SMOL_TEST_VALUE: "given to the child" },
};

const byName = (tools: readonly Tool[]) => Object.fromEntries(tools.map((tool) => [tool.name, tool]));

/** Whether a process is still running. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (at most 5 s) for a process to be gone. */
async function exited(pid: number): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (!isRunning(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe("ToolCollection.fromMcp over stdio", () => {
  it("turns the server's tools into smol tools that call it, and stops the server when disposed", async () => {
    let pid: number;
    {
      await using collection = await ToolCollection.fromMcp(stdioServer, { trustRemoteCode: true });
      const tools = byName(collection.tools);
      expect(Object.keys(tools).sort()).toEqual(["add", "class_", "fail", "get_weather", "whoami"]);
      for (const tool of collection.tools) expect(() => tool.validate()).not.toThrow();

      expect(await tools.add!.call({ a: 2, b: 3 })).toBe("5");
      expect(await tools.add!.call([40, 2])).toBe("42");

      const whoami = JSON.parse((await tools.whoami!.call({})) as string);
      expect(whoami.value).toBe("given to the child");
      pid = whoami.pid;
      expect(pid).not.toBe(process.pid);
      expect(isRunning(pid)).toBe(true);
    }
    expect(await exited(pid)).toBe(true);
  });

  it("converts the input schema: types, descriptions, enums, and optional arguments as nullable", async () => {
    await using collection = await ToolCollection.fromMcp(stdioServer, { trustRemoteCode: true });
    const weather = byName(collection.tools).get_weather as McpTool;
    expect(weather.serverToolName).toBe("get-weather");
    expect(weather.description).toBe("Gives the current weather of a city.");
    expect(weather.inputSchema).toEqual({
      city: { type: "string", description: "The city." },
      units: {
        type: "string",
        description: "The temperature units.",
        nullable: true,
        enum: ["celsius", "fahrenheit"],
      },
    });
    expect(weather.toCodePrompt()).toContain("def get_weather(city: str, units: str | None = None) -> str:");
    // Without structuredOutput the tool returns the server's text.
    expect(weather.outputType).toBe("string");
    expect(weather.outputSchema).toBeUndefined();
    expect(await weather.call({ city: "Paris", units: null })).toBe(
      '{"city":"Paris","temperature":20,"conditions":"sunny"}',
    );
  });

  it("maps names that are not Python identifiers back to the server's", async () => {
    await using collection = await ToolCollection.fromMcp(stdioServer, { trustRemoteCode: true });
    const klass = byName(collection.tools).class_!;
    expect(Object.keys(klass.inputSchema)).toEqual(["user_id", "note"]);
    expect(klass.inputSchema.note).toEqual({ type: "string", description: "The note.", nullable: true });
    expect(JSON.parse((await klass.call({ user_id: "ada" })) as string)).toEqual({
      received: { "user-id": "ada" },
    });
  });

  it("raises the server's message when a tool reports an error", async () => {
    await using collection = await ToolCollection.fromMcp(stdioServer, { trustRemoteCode: true });
    const call = byName(collection.tools).fail!.call({});
    await expect(call).rejects.toThrow(AgentToolExecutionError);
    await expect(call).rejects.toThrow('The MCP tool "fail" reported an error: the server could not do it');
  });

  it("returns structuredContent and shows the output schema with structuredOutput", async () => {
    await using collection = await ToolCollection.fromMcp(stdioServer, {
      trustRemoteCode: true,
      structuredOutput: true,
    });
    const tools = byName(collection.tools);
    const weather = tools.get_weather!;
    expect(weather.outputType).toBe("object");
    expect(weather.outputSchema).toMatchObject({
      type: "object",
      properties: { temperature: { type: "number" }, conditions: { type: "string" } },
    });
    const prompt = weather.toCodePrompt();
    expect(prompt).toMatch(/^def get_weather\(city: str, units: str \| None = None\) -> dict:/);
    expect(prompt).toContain("temperature");
    expect(prompt).toContain("conditions");
    expect(await weather.call({ city: "Oslo", units: "fahrenheit" })).toEqual({
      city: "Oslo",
      temperature: 68,
      conditions: "sunny",
    });
    // Tools without an output schema still return text.
    expect(tools.add!.outputType).toBe("string");
    expect(await tools.add!.call({ a: 1, b: 1 })).toBe("2");
  });

  it("refuses to connect unless trustRemoteCode is true", async () => {
    await expect(ToolCollection.fromMcp(stdioServer)).rejects.toThrow(ToolConfigurationError);
    await expect(ToolCollection.fromMcp(stdioServer, { trustRemoteCode: false })).rejects.toThrow(
      "If you trust the server, pass { trustRemoteCode: true }.",
    );
  });

  it("explains a server that cannot be started", async () => {
    const missing = { command: "/nonexistent/smol-mcp-server", args: ["--stdio"] };
    const attempt = ToolCollection.fromMcp(missing, { trustRemoteCode: true });
    await expect(attempt).rejects.toThrow(McpConnectionError);
    await expect(ToolCollection.fromMcp(missing, { trustRemoteCode: true })).rejects.toThrow(
      "Could not connect to the MCP server (stdio: /nonexistent/smol-mcp-server --stdio):",
    );
  });
});

describe("MCPClient over HTTP", () => {
  let server: DemoHttpServer;
  beforeAll(async () => {
    server = await startDemoHttpServer();
  });
  afterAll(() => server.close());

  it("speaks Streamable HTTP by default, and closes its session on disconnect", async () => {
    const client = new MCPClient({ url: server.streamableUrl }, { structuredOutput: true });
    expect(client.isConnected).toBe(false);
    const tools = byName(await client.getTools());
    expect(client.isConnected).toBe(true);
    expect(await tools.add!.call({ a: 20, b: 22 })).toBe("42");
    expect(await tools.get_weather!.call({ city: "Rome" })).toEqual({
      city: "Rome",
      temperature: 20,
      conditions: "sunny",
    });
    expect(server.openSessions().streamable).toBe(1);
    expect(await client.getTools()).toHaveLength(5); // connects once
    expect(server.openSessions().streamable).toBe(1);
    await client.disconnect();
    expect(client.isConnected).toBe(false);
    expect(server.openSessions().streamable).toBe(0);
    await expect(tools.add!.call({ a: 1, b: 2 })).rejects.toThrow();
  });

  it("speaks the older HTTP+SSE transport when asked", async () => {
    {
      await using client = new MCPClient({ url: server.sseUrl, transport: "sse" });
      const tools = byName(await client.getTools());
      expect(await tools.add!.call({ a: 1, b: 2 })).toBe("3");
      expect(server.openSessions().sse).toBe(1);
    }
    for (let attempt = 0; attempt < 100 && server.openSessions().sse > 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(server.openSessions().sse).toBe(0);
  });

  it("gathers the tools of several servers, renaming clashes", async () => {
    await using client = new MCPClient([{ url: server.streamableUrl }, stdioServer]);
    const names = (await client.getTools()).map((tool) => tool.name);
    expect(names).toEqual([
      "add",
      "get_weather",
      "fail",
      "whoami",
      "class_",
      "add_2",
      "get_weather_2",
      "fail_2",
      "whoami_2",
      "class__2",
    ]);
  });

  it("explains a server that does not answer, and closes the ones that did", async () => {
    const client = new MCPClient([{ url: server.streamableUrl }, { url: "http://127.0.0.1:9/mcp" }]);
    await expect(client.connect()).rejects.toThrow(
      "Could not connect to the MCP server (streamable-http http://127.0.0.1:9/mcp)",
    );
    expect(client.isConnected).toBe(false);
    expect(server.openSessions().streamable).toBe(0);
  });

  it("checks its parameters when built", () => {
    expect(() => new MCPClient([])).toThrow("MCPClient needs at least one server's parameters.");
    expect(() => new MCPClient({ url: "not a url" })).toThrow(
      'The MCP server URL "not a url" is not a valid URL.',
    );
    expect(() => new MCPClient({ url: server.sseUrl, transport: "websocket" as "sse" })).toThrow(
      'Unknown MCP transport "websocket"',
    );
    expect(() => new MCPClient({ command: "" })).toThrow("MCP server parameters need a command");
  });
});
