import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { isValidIdentifier } from "@smol/core";
import { z } from "zod";

/** What an agent needs to be served: `CodeAgent` and `ToolCallingAgent` fit. */
export interface ServableAgent {
  name?: string | undefined;
  description?: string | undefined;
  run(task: string, options?: { signal?: AbortSignal; reset?: boolean }): Promise<unknown>;
}

/** Options of `createAgentMcpServer`. */
export interface AgentMcpServerOptions {
  /** The tool's name; default the agent's name, else `run_agent`. */
  toolName?: string;
  /** The tool's description; default the agent's description. */
  description?: string;
  /** How the server introduces itself; default `{ name: "smol-agent", version: "0.1.0" }`. */
  serverInfo?: { name: string; version: string };
}

/**
 * An MCP server with one tool that gives a task to the agent and returns its final answer, so
 * that any MCP client (an IDE, a chat app, another agent) can use it. Connect it to a transport
 * yourself, or use `serveAgentOverStdio`. Runs are one at a time, each with a fresh memory;
 * a client's cancellation aborts the run.
 *
 * @example
 * const server = createAgentMcpServer(agent);
 * await server.connect(new StdioServerTransport());
 */
export function createAgentMcpServer(agent: ServableAgent, options: AgentMcpServerOptions = {}): McpServer {
  const server = new McpServer(options.serverInfo ?? { name: "smol-agent", version: "0.1.0" });
  const toolName =
    options.toolName ?? (agent.name && isValidIdentifier(agent.name) ? agent.name : "run_agent");
  const description =
    options.description ??
    agent.description ??
    "Gives a task to an AI agent that plans, uses its tools, and returns its final answer.";
  let queue: Promise<unknown> = Promise.resolve();
  server.registerTool(
    toolName,
    {
      description,
      inputSchema: { task: z.string().describe("The task for the agent, with every detail it needs.") },
    },
    async ({ task }, extra) => {
      // One agent has one memory: runs wait for each other.
      const run = queue.then(() => agent.run(task, { signal: extra.signal, reset: true }));
      queue = run.catch(() => {});
      try {
        const answer = await run;
        return {
          content: [
            { type: "text" as const, text: typeof answer === "string" ? answer : JSON.stringify(answer) },
          ],
        };
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        return {
          isError: true,
          content: [{ type: "text" as const, text: `The agent could not complete the task: ${message}` }],
        };
      }
    },
  );
  return server;
}

/**
 * Serves the agent over this process's stdin and stdout, so that an MCP client can start it as
 * a local server (`{ command: "node", args: ["my-agent.js"] }`). Nothing else may write to
 * stdout, the agent's own log included: build it with `verbosityLevel: LogLevel.OFF` or a logger
 * that writes to stderr.
 *
 * @example
 * // my-agent.ts
 * const logger = new AgentLogger({ output: process.stderr });
 * await serveAgentOverStdio(new CodeAgent({ tools: [], model, logger, name: "researcher", description: "…" }));
 */
export async function serveAgentOverStdio(
  agent: ServableAgent,
  options: AgentMcpServerOptions = {},
): Promise<McpServer> {
  const server = createAgentMcpServer(agent, options);
  await server.connect(new StdioServerTransport());
  return server;
}
