import type { IOType } from "node:child_process";
import type { Stream } from "node:stream";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ToolConfigurationError } from "../errors.js";
import type { FetchFunction } from "../http/fetch.js";

/**
 * A local MCP server started as a child process, spoken to over its stdin and stdout. The child
 * inherits only a few harmless environment variables (PATH, HOME, …) plus `env`: pass the keys
 * it needs explicitly.
 */
export interface StdioServerParameters {
  command: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** What becomes of the server's stderr; default inherited (shown in your terminal). */
  stderr?: IOType | Stream | number;
}

/** A remote MCP server, over Streamable HTTP (the default) or the older HTTP+SSE transport. */
export interface HttpServerParameters {
  url: string | URL;
  transport?: "streamable-http" | "sse";
  /** Sent with every request, e.g. `{ Authorization: "Bearer …" }`. */
  headers?: Record<string, string>;
  fetch?: FetchFunction;
}

/** How to reach one MCP server. */
export type McpServerParameters = StdioServerParameters | HttpServerParameters;

export function isHttpParameters(parameters: McpServerParameters): parameters is HttpServerParameters {
  return "url" in parameters && parameters.url !== undefined;
}

/** A transport for the server; nothing is started until the client connects. */
export function createTransport(parameters: McpServerParameters): Transport {
  if (typeof parameters !== "object" || parameters === null) {
    throw new ToolConfigurationError(
      'MCP server parameters must be an object: { command, args, env } for a local server, or { url, transport: "streamable-http" | "sse" } for a remote one.',
    );
  }
  if (isHttpParameters(parameters)) {
    const url = toUrl(parameters.url);
    const requestInit = parameters.headers ? { headers: parameters.headers } : undefined;
    const transport = parameters.transport ?? "streamable-http";
    if (transport === "streamable-http") {
      return new StreamableHTTPClientTransport(url, { requestInit, fetch: parameters.fetch });
    }
    if (transport === "sse") return new SSEClientTransport(url, { requestInit, fetch: parameters.fetch });
    throw new ToolConfigurationError(
      `Unknown MCP transport ${JSON.stringify(transport)}; use "streamable-http" or "sse".`,
    );
  }
  if (typeof parameters.command !== "string" || parameters.command === "") {
    throw new ToolConfigurationError(
      'MCP server parameters need a command (stdio), e.g. { command: "npx", args: ["-y", "@modelcontextprotocol/server-everything"] }, or a url.',
    );
  }
  return new StdioClientTransport({
    command: parameters.command,
    args: parameters.args,
    env: parameters.env,
    cwd: parameters.cwd,
    stderr: parameters.stderr,
  });
}

/** A short name for the server in messages: its command line or its URL. */
export function describeServer(parameters: McpServerParameters): string {
  if (isHttpParameters(parameters))
    return `${parameters.transport ?? "streamable-http"} ${String(parameters.url)}`;
  return ["stdio:", parameters.command, ...(parameters.args ?? [])].join(" ");
}

function toUrl(value: string | URL): URL {
  try {
    return new URL(value);
  } catch {
    throw new ToolConfigurationError(
      `The MCP server URL ${JSON.stringify(String(value))} is not a valid URL.`,
    );
  }
}
