import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { Tool as McpToolDefinition } from "@modelcontextprotocol/sdk/types.js";
import type { Tool } from "@smol/core";
import { McpConnectionError, ToolConfigurationError } from "../errors.js";
import { pythonName, uniqueName } from "./json-schema-inputs.js";
import { McpTool, type McpToolOptions } from "./mcp-tool.js";
import { createTransport, describeServer, type McpServerParameters } from "./server-parameters.js";

/** Options of `MCPClient`. */
export interface MCPClientOptions extends McpToolOptions {
  /** How this client introduces itself to the servers; default `{ name: "smol", version: "0.1.0" }`. */
  clientInfo?: { name: string; version: string };
}

/** Most pages of `tools/list` read from one server: a server that never stops paging is broken. */
const MAX_TOOL_PAGES = 100;

interface Connection {
  client: Client;
  transport: Transport;
  parameters: McpServerParameters;
}

/**
 * A client of one or more MCP servers, whose tools become smol tools. It connects on the first
 * `connect()` or `getTools()`, and `disconnect()` (or `await using`) closes every session and
 * stops the servers it started. Tools of different servers with the same name get a suffix
 * (`search`, `search_2`).
 *
 * @example
 * await using client = new MCPClient({ command: "uvx", args: ["mcp-server-fetch"] }, { structuredOutput: true });
 * const agent = new CodeAgent({ tools: await client.getTools(), model });
 * await agent.run("Summarize https://huggingface.co/blog/smolagents");
 */
export class MCPClient implements AsyncDisposable {
  readonly serverParameters: readonly McpServerParameters[];
  readonly #options: MCPClientOptions;
  #connecting: Promise<Tool[]> | undefined;
  #connections: Connection[] = [];

  constructor(
    serverParameters: McpServerParameters | readonly McpServerParameters[],
    options: MCPClientOptions = {},
  ) {
    this.serverParameters = Array.isArray(serverParameters)
      ? [...(serverParameters as readonly McpServerParameters[])]
      : [serverParameters as McpServerParameters];
    if (this.serverParameters.length === 0) {
      throw new ToolConfigurationError("MCPClient needs at least one server's parameters.");
    }
    // Fail on malformed parameters now rather than at the first call (building a transport
    // starts nothing).
    for (const parameters of this.serverParameters) createTransport(parameters);
    this.#options = options;
  }

  /** Whether the sessions are open. */
  get isConnected(): boolean {
    return this.#connections.length > 0;
  }

  /** Connects to every server (once) and returns their tools. */
  connect(): Promise<Tool[]> {
    this.#connecting ??= this.#connectAll().catch((error: unknown) => {
      this.#connecting = undefined;
      throw error;
    });
    return this.#connecting;
  }

  /** The servers' tools as smol tools; connects first if needed. */
  getTools(): Promise<Tool[]> {
    return this.connect();
  }

  /** Closes every session; local servers are stopped. Safe to call twice. */
  async disconnect(): Promise<void> {
    const connections = this.#connections;
    this.#connections = [];
    this.#connecting = undefined;
    await Promise.allSettled(connections.map(closeConnection));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.disconnect();
  }

  async #connectAll(): Promise<Tool[]> {
    const settled = await Promise.allSettled(
      this.serverParameters.map((parameters) => this.#connectOne(parameters)),
    );
    const connections = settled.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    const failure = settled.find((result) => result.status === "rejected");
    if (failure) {
      await Promise.allSettled(connections.map(({ connection }) => closeConnection(connection)));
      throw (failure as PromiseRejectedResult).reason;
    }
    this.#connections = connections.map(({ connection }) => connection);
    const tools: Record<string, Tool> = {};
    for (const { connection, definitions } of connections) {
      for (const definition of definitions) {
        const name = uniqueName(pythonName(definition.name), tools);
        tools[name] = new McpTool(definition, name, connection.client, this.#options);
      }
    }
    return Object.values(tools);
  }

  async #connectOne(
    parameters: McpServerParameters,
  ): Promise<{ connection: Connection; definitions: McpToolDefinition[] }> {
    const transport = createTransport(parameters);
    const client = new Client(this.#options.clientInfo ?? { name: "smol", version: "0.1.0" });
    try {
      await client.connect(transport);
    } catch (error) {
      await client.close().catch(() => {});
      throw new McpConnectionError(
        `Could not connect to the MCP server (${describeServer(parameters)}): ${reasonOf(error)}`,
        { cause: error },
      );
    }
    const connection: Connection = { client, transport, parameters };
    try {
      return { connection, definitions: await listAllTools(client) };
    } catch (error) {
      await closeConnection(connection).catch(() => {});
      throw new McpConnectionError(
        `The MCP server (${describeServer(parameters)}) did not list its tools: ${reasonOf(error)}`,
        { cause: error },
      );
    }
  }
}

/**
 * Ends a session: a Streamable HTTP session is ended on the server too (a DELETE), so that the
 * server can free it at once; then the transport is closed (a stdio server is stopped).
 */
async function closeConnection({ client, transport }: Connection): Promise<void> {
  if (transport instanceof StreamableHTTPClientTransport && transport.sessionId) {
    await transport.terminateSession().catch(() => {});
  }
  await client.close();
}

async function listAllTools(client: Client): Promise<McpToolDefinition[]> {
  if (!client.getServerCapabilities()?.tools) return [];
  const definitions: McpToolDefinition[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_TOOL_PAGES; page++) {
    const result = await client.listTools(cursor === undefined ? undefined : { cursor });
    definitions.push(...result.tools);
    cursor = result.nextCursor;
    if (!cursor) return definitions;
  }
  throw new Error(`it kept paging after ${MAX_TOOL_PAGES} pages of tools`);
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { message?: unknown; code?: unknown } }).cause;
  const code = typeof cause?.code === "string" ? ` (${cause.code})` : "";
  return `${error.message}${code}`;
}
