import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { LogLevel, ToolCallingAgent } from "@smol/core";
import { ScriptedModel } from "@smol/testing";
import { describe, expect, it } from "vitest";
import { MCPClient } from "./mcp-client.js";
import { createAgentMcpServer } from "./serve-agent.js";

async function connectedClient(server: ReturnType<typeof createAgentMcpServer>): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(clientSide);
  return client;
}

describe("createAgentMcpServer", () => {
  it("serves an agent as one MCP tool that runs it and returns its final answer", async () => {
    const model = new ScriptedModel([
      { toolCalls: [{ name: "final_answer", arguments: { answer: "Paris" } }] },
    ]);
    const agent = new ToolCallingAgent({
      tools: [],
      model,
      verbosityLevel: LogLevel.OFF,
      name: "geographer",
      description: "Answers geography questions.",
    });
    const client = await connectedClient(createAgentMcpServer(agent));
    const { tools } = await client.listTools();
    expect(tools.map(({ name, description }) => ({ name, description }))).toEqual([
      { name: "geographer", description: "Answers geography questions." },
    ]);
    const result = await client.callTool({ name: "geographer", arguments: { task: "Capital of France?" } });
    expect(result.content).toEqual([{ type: "text", text: "Paris" }]);
    expect(model.calls[0]!.messages.at(-1)!.content).toEqual(expect.stringContaining("Capital of France?"));
    await client.close();
  });

  it("reports a failed run as a tool error", async () => {
    const model = new ScriptedModel([new Error("the model service is down")]);
    const agent = new ToolCallingAgent({ tools: [], model, verbosityLevel: LogLevel.OFF });
    const client = await connectedClient(createAgentMcpServer(agent, { toolName: "helper" }));
    const result = await client.callTool({ name: "helper", arguments: { task: "Anything" } });
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]!.text).toMatch(
      /^The agent could not complete the task: /,
    );
    await client.close();
  });

  it("can be used by smol's own MCP client over Streamable HTTP, agent to agent", async () => {
    const model = new ScriptedModel([
      { toolCalls: [{ name: "final_answer", arguments: { answer: { total: 3 } } }] },
    ]);
    const agent = new ToolCallingAgent({
      tools: [],
      model,
      verbosityLevel: LogLevel.OFF,
      name: "counter",
      description: "Counts things.",
    });
    // Stateless Streamable HTTP: a server and a transport per request.
    const http = createServer((request, response) => {
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      createAgentMcpServer(agent)
        .connect(transport)
        .then(() => transport.handleRequest(request, response))
        .catch((error: unknown) => response.writeHead(500).end(String(error)));
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    try {
      await using client = new MCPClient({
        url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
      });
      const [counter] = await client.getTools();
      expect(counter!.name).toBe("counter");
      expect(counter!.inputSchema).toEqual({
        task: { type: "string", description: "The task for the agent, with every detail it needs." },
      });
      expect(await counter!.call({ task: "How many?" })).toBe('{"total":3}');
    } finally {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    }
  });
});
