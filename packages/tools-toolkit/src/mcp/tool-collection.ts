import type { Tool } from "@smol/core";
import { ToolConfigurationError } from "../errors.js";
import { MCPClient } from "./mcp-client.js";
import type { McpToolOptions } from "./mcp-tool.js";
import type { McpServerParameters } from "./server-parameters.js";

/** Options of `ToolCollection.fromMcp`. */
export interface FromMcpOptions extends McpToolOptions {
  /**
   * Must be true: an MCP server runs code of its own (a local one on this machine), and its tool
   * descriptions go into the model's prompt. Say you trust it.
   */
  trustRemoteCode?: boolean;
}

/**
 * A set of tools that come together, and what holds them open: `close()` (or `await using`)
 * closes the MCP sessions and stops the servers.
 *
 * @example
 * await using collection = await ToolCollection.fromMcp(
 *   { command: "uvx", args: ["--quiet", "pubmedmcp@0.1.3"], env: { UV_PYTHON: "3.12" } },
 *   { trustRemoteCode: true },
 * );
 * const agent = new CodeAgent({ tools: [...collection.tools], model, addBaseTools: true });
 */
export class ToolCollection implements AsyncDisposable {
  readonly tools: Tool[];
  readonly #close: (() => Promise<void>) | undefined;

  constructor(tools: readonly Tool[], close?: () => Promise<void>) {
    this.tools = [...tools];
    this.#close = close;
  }

  /**
   * The tools of one or more MCP servers (stdio, Streamable HTTP or SSE). Refuses unless
   * `trustRemoteCode` is true.
   */
  static async fromMcp(
    serverParameters: McpServerParameters | readonly McpServerParameters[],
    options: FromMcpOptions = {},
  ): Promise<ToolCollection> {
    if (options.trustRemoteCode !== true) {
      throw new ToolConfigurationError(
        "Loading tools from an MCP server runs that server's code (on this machine, for a stdio server) and puts its " +
          "tool descriptions in the model's prompt. If you trust the server, pass { trustRemoteCode: true }.",
      );
    }
    const { trustRemoteCode: _, ...toolOptions } = options;
    const client = new MCPClient(serverParameters, toolOptions);
    const tools = await client.connect();
    return new ToolCollection(tools, () => client.disconnect());
  }

  /** Releases what the collection holds (MCP sessions and servers). Safe to call twice. */
  async close(): Promise<void> {
    await this.#close?.();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
