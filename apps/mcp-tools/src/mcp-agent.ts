/**
 * Connects to an MCP server, turns its tools into smol tools and hands them to a
 * ToolCallingAgent. `ToolCollection` closes the connection (and stops a stdio server) when it is
 * disposed.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { type LogLevel, type Model, ToolCallingAgent } from "@smol/core";
import { type McpServerParameters, ToolCollection } from "@smol/tools-toolkit";

/** The bundled unit-conversion server, started with tsx. */
export function bundledServer(): McpServerParameters {
  const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
  return {
    command: process.execPath,
    args: [tsxCli, fileURLToPath(new URL("./unit-server.ts", import.meta.url))],
  };
}

/**
 * The server to use: `MCP_SERVER_URL` (Streamable HTTP), `MCP_SERVER_COMMAND` (stdio, split on
 * spaces), or the bundled one.
 */
export function serverFromEnvironment(environment: NodeJS.ProcessEnv = process.env): McpServerParameters {
  if (environment.MCP_SERVER_URL) return { url: environment.MCP_SERVER_URL };
  const command = environment.MCP_SERVER_COMMAND?.trim();
  if (command) {
    const [executable, ...args] = command.split(/\s+/);
    return { command: executable!, args };
  }
  return bundledServer();
}

export interface McpAgentSession extends AsyncDisposable {
  agent: ToolCallingAgent;
  toolNames: string[];
}

export async function startMcpAgent(
  model: Model,
  server: McpServerParameters,
  verbosityLevel?: LogLevel,
): Promise<McpAgentSession> {
  // Starting a server runs its code and puts its tool descriptions in the prompt: trust it first.
  const collection = await ToolCollection.fromMcp(server, { trustRemoteCode: true });
  const agent = new ToolCallingAgent({ tools: [...collection.tools], model, maxSteps: 6, verbosityLevel });
  return {
    agent,
    toolNames: collection.tools.map((tool) => tool.name),
    [Symbol.asyncDispose]: () => collection[Symbol.asyncDispose](),
  };
}
