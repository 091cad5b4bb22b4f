/**
 * `@smol/hub`: share tools and agents as folders and on the Hugging Face Hub, and use Gradio
 * Spaces as tools. Importing it adds `agent.save`, `agent.pushToHub`, `CodeAgent.fromHub`,
 * `Tool.fromSpace`, … to smol's classes (see `installHubMethods`).
 */
import { installHubMethods } from "./install-hub-methods.js";

export {
  AGENT_MANIFEST,
  type AgentClass,
  type LoadAgentOptions,
  loadAgentFromFolder,
  saveAgent,
} from "./agent-folder.js";
export { loadAgentFromHub, pushAgentToHub } from "./agent-hub.js";
export { SerializationError, UntrustedCodeError } from "./errors.js";
export { downloadRepo, type HubOptions, type PushOptions, uploadFolder } from "./hub-transfer.js";
export { installHubMethods } from "./install-hub-methods.js";
export { MODEL_PACKAGES, type ModelClass } from "./model-classes.js";
export { evaluateModule, type ModuleImporter } from "./module-loader.js";
export { type SpaceToolOptions, toolFromSpace } from "./space-tool.js";
export {
  type LoadToolOptions,
  loadToolFromFolder,
  readToolManifest,
  saveTool,
  TOOL_MANIFEST,
  TOOL_MODULE,
} from "./tool-folder.js";
export { loadTool, pushToolToHub } from "./tool-hub.js";
export { toolModuleSource } from "./tool-source.js";

installHubMethods();
