import { CodeAgent, MultiStepAgent, Tool, ToolCallingAgent } from "@smol/core";
import { type LoadAgentOptions, loadAgentFromFolder, saveAgent } from "./agent-folder.js";
import { loadAgentFromHub, pushAgentToHub } from "./agent-hub.js";
import { SerializationError } from "./errors.js";
import type { HubOptions, PushOptions } from "./hub-transfer.js";
import { type SpaceToolOptions, toolFromSpace } from "./space-tool.js";
import { type LoadToolOptions, loadToolFromFolder, saveTool } from "./tool-folder.js";
import { loadTool, pushToolToHub } from "./tool-hub.js";

declare module "@smol/core" {
  interface MultiStepAgent {
    /** Saves the agent as a folder (added by `@smol/hub`, see `saveAgent`). */
    save(folder: string): Promise<void>;
    /** Shares the agent on the Hub (added by `@smol/hub`, see `pushAgentToHub`). */
    pushToHub(repoId: string, options?: PushOptions): Promise<string>;
  }
  interface Tool {
    /** Saves the tool as a folder (added by `@smol/hub`, see `saveTool`). */
    save(folder: string): Promise<void>;
    /** Shares the tool on the Hub (added by `@smol/hub`, see `pushToolToHub`). */
    pushToHub(repoId: string, options?: PushOptions): Promise<string>;
  }
  namespace Tool {
    /** A Gradio Space as a tool (added by `@smol/hub`, see `toolFromSpace`). */
    function fromSpace(spaceId: string, options: SpaceToolOptions): Promise<Tool>;
    /** A tool shared on the Hub (added by `@smol/hub`, see `loadTool`). */
    function fromHub(repoId: string, options?: LoadToolOptions & HubOptions): Promise<Tool>;
    /** A tool saved in a folder (added by `@smol/hub`, see `loadToolFromFolder`). */
    function fromFolder(folder: string, options?: LoadToolOptions): Promise<Tool>;
  }
  namespace CodeAgent {
    /** An agent saved in a folder (added by `@smol/hub`, see `loadAgentFromFolder`). */
    function fromFolder(folder: string, options?: LoadAgentOptions): Promise<CodeAgent>;
    /** An agent shared on the Hub (added by `@smol/hub`, see `loadAgentFromHub`). */
    function fromHub(repoId: string, options?: LoadAgentOptions & HubOptions): Promise<CodeAgent>;
  }
  namespace ToolCallingAgent {
    function fromFolder(folder: string, options?: LoadAgentOptions): Promise<ToolCallingAgent>;
    function fromHub(repoId: string, options?: LoadAgentOptions & HubOptions): Promise<ToolCallingAgent>;
  }
}

function define(target: object, name: string, value: unknown): void {
  // Non-enumerable, like a method written in the class.
  Object.defineProperty(target, name, { value, configurable: true, writable: true, enumerable: false });
}

function checkedClass<T>(
  agentClass: abstract new (...args: never[]) => T,
  agent: MultiStepAgent,
  origin: string,
): T {
  if (agent instanceof agentClass) return agent;
  throw new SerializationError(
    `${origin} holds a ${agent.constructor.name}, not a ${agentClass.name}: load it with ${agent.constructor.name}.fromFolder/fromHub or loadAgentFromFolder.`,
  );
}

/**
 * Adds the sharing methods to smol's classes: `agent.save`, `agent.pushToHub`, `tool.save`,
 * `tool.pushToHub`, `CodeAgent.fromFolder`/`fromHub`, `ToolCallingAgent.fromFolder`/`fromHub`,
 * `Tool.fromSpace`/`fromHub`/`fromFolder`. Importing `@smol/hub` calls it; calling it again does
 * nothing more.
 *
 * @example
 * import "@smol/hub";
 * await agent.pushToHub("m-ric/my_agent");
 * const copy = await CodeAgent.fromHub("m-ric/my_agent", { trustRemoteCode: true });
 */
export function installHubMethods(): void {
  define(MultiStepAgent.prototype, "save", function save(this: MultiStepAgent, folder: string) {
    return saveAgent(this, folder);
  });
  define(
    MultiStepAgent.prototype,
    "pushToHub",
    function pushToHub(this: MultiStepAgent, repoId: string, options?: PushOptions) {
      return pushAgentToHub(this, repoId, options);
    },
  );
  define(Tool.prototype, "save", function save(this: Tool, folder: string) {
    return saveTool(this, folder);
  });
  define(Tool.prototype, "pushToHub", function pushToHub(this: Tool, repoId: string, options?: PushOptions) {
    return pushToolToHub(this, repoId, options);
  });
  define(Tool, "fromSpace", toolFromSpace);
  define(Tool, "fromHub", loadTool);
  define(Tool, "fromFolder", loadToolFromFolder);
  defineAgentLoaders(CodeAgent);
  defineAgentLoaders(ToolCallingAgent);
}

function defineAgentLoaders<T extends MultiStepAgent>(
  agentClass: abstract new (...args: never[]) => T,
): void {
  define(agentClass, "fromFolder", async (folder: string, options?: LoadAgentOptions) =>
    checkedClass(agentClass, await loadAgentFromFolder(folder, options), folder),
  );
  define(agentClass, "fromHub", async (repoId: string, options?: LoadAgentOptions & HubOptions) =>
    checkedClass(agentClass, await loadAgentFromHub(repoId, options), repoId),
  );
}
