import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Tool as McpToolDefinition } from "@modelcontextprotocol/sdk/types.js";
import {
  AgentToolExecutionError,
  type JsonSchema,
  Tool,
  type ToolCallOptions,
  type ToolInputs,
  type ToolOutputType,
} from "@smol/core";
import { jsonSchemaToInputs } from "./json-schema-inputs.js";

/** How the MCP tools of one client behave. */
export interface McpToolOptions {
  /**
   * Return the tool's `structuredContent` (an object) instead of its text, and show its
   * `outputSchema` to the model, for tools that declare one. Default false.
   */
  structuredOutput?: boolean;
  /** Longest wait for one tool call, in seconds; default 60 (the SDK's). */
  timeoutSeconds?: number;
}

/**
 * One tool of an MCP server as a smol `Tool`: calling it calls the server. Built by `MCPClient`
 * and `ToolCollection.fromMcp`; the `name` is the server's tool name made into a Python
 * identifier (`get-weather` → `get_weather`), `serverToolName` the original.
 */
export class McpTool extends Tool {
  name: string;
  description: string;
  inputs: ToolInputs;
  outputType: ToolOutputType;
  override outputSchema: JsonSchema | undefined;

  /** The tool's name on its server. */
  readonly serverToolName: string;
  readonly #client: Client;
  readonly #serverNames: Record<string, string>;
  readonly #structured: boolean;
  readonly #timeoutSeconds: number | undefined;

  constructor(definition: McpToolDefinition, name: string, client: Client, options: McpToolOptions = {}) {
    super();
    this.name = name;
    this.serverToolName = definition.name;
    this.description =
      definition.description?.trim() ||
      definition.title?.trim() ||
      `The "${definition.name}" tool of an MCP server.`;
    const { inputs, serverNames } = jsonSchemaToInputs(definition.inputSchema as JsonSchema);
    this.inputs = inputs;
    this.#serverNames = serverNames;
    this.#client = client;
    this.#timeoutSeconds = options.timeoutSeconds;
    this.#structured = options.structuredOutput === true && definition.outputSchema !== undefined;
    this.outputType = this.#structured ? "object" : "string";
    this.outputSchema = this.#structured ? (definition.outputSchema as JsonSchema) : undefined;
  }

  async forward(args: Record<string, unknown>, options: ToolCallOptions = {}): Promise<unknown> {
    const serverArguments: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(args)) {
      // The model may send null for an argument it leaves out; servers often reject null there.
      if (value === null && this.inputSchema[name]?.nullable) continue;
      serverArguments[this.#serverNames[name] ?? name] = value;
    }
    const result = await this.#client.callTool(
      { name: this.serverToolName, arguments: serverArguments },
      undefined,
      {
        signal: options.signal,
        ...(this.#timeoutSeconds === undefined ? {} : { timeout: this.#timeoutSeconds * 1000 }),
      },
    );
    const text = contentText(result.content);
    if (result.isError) {
      throw new AgentToolExecutionError(
        `The MCP tool "${this.serverToolName}" reported an error: ${text || "(no message)"}`,
        this.name,
      );
    }
    if (this.#structured) {
      if (result.structuredContent !== undefined) return result.structuredContent;
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    }
    return text;
  }
}

/** The text of an MCP result's content blocks; media are named rather than inlined. */
export function contentText(content: unknown): string {
  if (!Array.isArray(content)) return "";
  return content
    .map((block: Record<string, any>) => {
      switch (block?.type) {
        case "text":
          return String(block.text ?? "");
        case "image":
        case "audio":
          return `[${block.type} content (${block.mimeType ?? "unknown type"}), not shown]`;
        case "resource":
          return typeof block.resource?.text === "string"
            ? block.resource.text
            : `[resource ${block.resource?.uri ?? ""}]`;
        case "resource_link":
          return `[link: ${block.name ?? ""} ${block.uri ?? ""}]`.replace(/\s+]/, "]");
        default:
          return "";
      }
    })
    .filter((text) => text !== "")
    .join("\n");
}
