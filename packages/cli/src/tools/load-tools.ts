import { SmolError, type Tool } from "@smol/core";
import { exportedClass, importOptionalPackage } from "../optional-packages.js";
import { type McpServerSpec, TOOLKIT_TOOLS, type ToolkitToolName, type ToolSpec } from "./tool-specs.js";

const TOOLKIT_PACKAGE = "@smol/tools-toolkit";

/** The tools of a run, and the MCP servers behind some of them: `close()` stops those. */
export interface LoadedTools extends AsyncDisposable {
  tools: Tool[];
  close(): Promise<void>;
}

interface ToolCollectionLike {
  tools: Tool[];
  close(): Promise<void>;
}

interface ToolCollectionClass {
  fromMcp(
    parameters: Record<string, unknown>,
    options: { trustRemoteCode: boolean },
  ): Promise<ToolCollectionLike>;
}

/**
 * Builds the tools of the specs: toolkit tools from `@smol/tools-toolkit` (loaded on demand) and
 * the tools of each MCP server. Naming a server on the command line is the user's statement of
 * trust, so servers are loaded with `trustRemoteCode`. `toolOptions` are given to the toolkit
 * tools' constructors, by name. If one fails to start, the ones already
 * started are stopped before the error goes up.
 *
 * @example
 * await using loaded = await loadTools(parseToolSpecs(["web_search"], "--tools"));
 */
export async function loadTools(
  specs: readonly ToolSpec[],
  toolOptions: Partial<Record<ToolkitToolName, Record<string, unknown>>> = {},
): Promise<LoadedTools> {
  const tools: Tool[] = [];
  const collections: ToolCollectionLike[] = [];
  const close = async () => {
    await Promise.allSettled(collections.splice(0).map((collection) => collection.close()));
  };
  if (specs.length === 0) return { tools, close, [Symbol.asyncDispose]: close };
  try {
    const toolkit = await importOptionalPackage(TOOLKIT_PACKAGE, "--tools");
    for (const spec of specs) {
      if (spec.kind === "toolkit") {
        const ToolClass = exportedClass<Tool>(toolkit, TOOLKIT_TOOLS[spec.name].className, TOOLKIT_PACKAGE);
        tools.push(new ToolClass(toolOptions[spec.name]));
        continue;
      }
      const ToolCollection = toolkit.ToolCollection as ToolCollectionClass | undefined;
      if (!ToolCollection)
        throw new SmolError(`${TOOLKIT_PACKAGE} does not export ToolCollection: update it.`);
      const collection = await openMcpServer(ToolCollection, spec);
      collections.push(collection);
      tools.push(...collection.tools);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { tools, close, [Symbol.asyncDispose]: close };
}

async function openMcpServer(
  ToolCollection: ToolCollectionClass,
  spec: Extract<ToolSpec, { kind: "mcp" }>,
): Promise<ToolCollectionLike> {
  try {
    return await ToolCollection.fromMcp(serverParameters(spec.server), { trustRemoteCode: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SmolError(`Could not load the tools of the MCP server "${spec.text}": ${reason}`, {
      cause: error,
    });
  }
}

function serverParameters(server: McpServerSpec): Record<string, unknown> {
  if (server.transport === "stdio") return { command: server.command, args: server.args };
  return { url: server.url, transport: server.transport };
}
