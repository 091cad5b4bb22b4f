import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  CodeAgent,
  FinalAnswerTool,
  type Model,
  type MultiStepAgent,
  type MultiStepAgentOptions,
  type Tool,
  ToolCallingAgent,
} from "@smol/core";
import { SerializationError } from "./errors.js";
import { type ModelClass, rebuildModel } from "./model-classes.js";
import { defaultImporter, type ModuleImporter } from "./module-loader.js";
import { loadToolFromFolder, requireTrust, saveTool, TOOL_MODULE } from "./tool-folder.js";

/** The configuration file of a saved agent. */
export const AGENT_MANIFEST = "agent.json";
const TOOLS_FOLDER = "tools";
const MANAGED_AGENTS_FOLDER = "managed_agents";
/** Executor options whose names say they hold a secret are not saved. */
const SECRET_OPTION = /key|token|secret|password|credential/i;

/** An agent class a folder can name, with its options. */
export type AgentClass = new (options: MultiStepAgentOptions & Record<string, unknown>) => MultiStepAgent;

export interface LoadAgentOptions {
  /** Must be `true` when the folder holds tools: loading them runs their code. */
  trustRemoteCode?: boolean;
  /** The model of every agent of the folder, instead of rebuilding the saved one. */
  model?: Model;
  /** Model classes by name, for models outside the `@smol/models-*` packages. */
  modelClasses?: Record<string, ModelClass>;
  /** Agent classes by name, besides `CodeAgent` and `ToolCallingAgent`. */
  agentClasses?: Record<string, AgentClass>;
  /** Resolves packages for the tools and the model classes (default: Node's resolution). */
  importModule?: ModuleImporter;
}

/**
 * Saves an agent as a folder: `agent.json` (class, model class and options without secrets,
 * prompt templates, limits, authorized imports, executor type, instructions, code block tags),
 * `tools/<name>/` for each tool (see `saveTool`), `managed_agents/<name>/` for each managed agent.
 * Callbacks, final answer checks and executor options whose name says they hold a secret (`apiKey`,
 * `token`, …) are not saved; the folder's earlier `tools/` and `managed_agents/` are replaced.
 *
 * @example
 * await saveAgent(agent, "./my_agent");
 * const copy = await loadAgentFromFolder("./my_agent", { trustRemoteCode: true });
 */
export async function saveAgent(agent: MultiStepAgent, folder: string): Promise<void> {
  const tools = Object.values(agent.tools).filter((tool) => !isDefaultFinalAnswer(tool));
  const managedAgents = Object.entries(agent.managedAgents);
  const { tools: _tools, managedAgents: _managedAgents, ...configuration } = agent.toDict();
  const executorOptions = configuration.executorOptions as Record<string, unknown> | undefined;
  if (executorOptions) {
    configuration.executorOptions = Object.fromEntries(
      Object.entries(executorOptions).filter(([name]) => !SECRET_OPTION.test(name)),
    );
  }
  const manifest = {
    ...configuration,
    tools: tools.map((tool) => tool.name),
    managedAgents: managedAgents.map(([name]) => name),
  };
  await mkdir(folder, { recursive: true });
  // Saving over an older save: tools and managed agents it had must not come back on load.
  await rm(join(folder, TOOLS_FOLDER), { recursive: true, force: true });
  await rm(join(folder, MANAGED_AGENTS_FOLDER), { recursive: true, force: true });
  for (const tool of tools) await saveTool(tool, join(folder, TOOLS_FOLDER, tool.name));
  for (const [name, managedAgent] of managedAgents)
    await saveAgent(managedAgent, join(folder, MANAGED_AGENTS_FOLDER, name));
  await writeFile(join(folder, AGENT_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * Loads an agent saved by `saveAgent`, its tools and managed agents. The model is rebuilt from
 * its class and options, its key read from the environment (`OPENAI_API_KEY`, `HF_TOKEN`, …),
 * unless `model` is given.
 *
 * @example
 * const agent = await loadAgentFromFolder("./my_agent", { trustRemoteCode: true });
 * await agent.run("Which model is the most downloaded for text classification?");
 */
export async function loadAgentFromFolder(
  folder: string,
  options: LoadAgentOptions = {},
): Promise<MultiStepAgent> {
  const manifest = await readAgentManifest(folder);
  const importModule = options.importModule ?? defaultImporter;
  if (await holdsCode(folder)) requireTrust(options, `the agent from ${folder}, whose tools are code,`);
  const tools: Tool[] = [];
  for (const name of manifest.tools) {
    tools.push(
      await loadToolFromFolder(join(folder, TOOLS_FOLDER, name), { trustRemoteCode: true, importModule }),
    );
  }
  const managedAgents: MultiStepAgent[] = [];
  for (const name of manifest.managedAgents) {
    managedAgents.push(
      await loadAgentFromFolder(join(folder, MANAGED_AGENTS_FOLDER, name), {
        ...options,
        trustRemoteCode: true,
      }),
    );
  }
  const model =
    options.model ??
    (await rebuildModel(manifest.model as { class?: unknown; data?: unknown }, {
      importModule,
      ...(options.modelClasses ? { modelClasses: options.modelClasses } : {}),
    }));
  const agentClass = resolveAgentClass(String(manifest.class), options.agentClasses);
  const {
    class: _class,
    model: _model,
    tools: _tools,
    managedAgents: _managedAgents,
    authorizedImports,
    ...configuration
  } = manifest;
  const defined = Object.fromEntries(
    Object.entries(configuration).filter(([, value]) => value !== undefined && value !== null),
  );
  return new agentClass({
    ...defined,
    ...(authorizedImports !== undefined ? { additionalAuthorizedImports: authorizedImports } : {}),
    model,
    tools,
    managedAgents,
  });
}

interface AgentManifest extends Record<string, unknown> {
  class: string;
  tools: string[];
  managedAgents: string[];
}

async function readAgentManifest(folder: string): Promise<AgentManifest> {
  const path = join(folder, AGENT_MANIFEST);
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new SerializationError(`${path} is missing or is not JSON: is ${folder} a saved agent?`, {
      cause: error,
    });
  }
  const names = (value: unknown) =>
    Array.isArray(value) && value.every((name) => typeof name === "string" && /^[\w-]+$/.test(name));
  if (typeof manifest.class !== "string" || !names(manifest.tools) || !names(manifest.managedAgents)) {
    throw new SerializationError(`${path} needs a "class" and the names of its "tools" and "managedAgents".`);
  }
  return manifest as AgentManifest;
}

function resolveAgentClass(name: string, extra: Record<string, AgentClass> | undefined): AgentClass {
  const classes: Record<string, AgentClass> = {
    CodeAgent: CodeAgent as unknown as AgentClass,
    ToolCallingAgent: ToolCallingAgent as unknown as AgentClass,
    ...extra,
  };
  const agentClass = classes[name];
  if (!agentClass) {
    throw new SerializationError(
      `The folder holds an agent of class '${name}': pass it as { agentClasses: { ${name} } } to load it.`,
    );
  }
  return agentClass;
}

/** Whether any tool module lies in the folder or its managed agents. */
async function holdsCode(folder: string): Promise<boolean> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.some((entry) => entry.isFile() && entry.name === TOOL_MODULE);
}

function isDefaultFinalAnswer(tool: Tool): boolean {
  return tool.name === "final_answer" && tool.constructor === FinalAnswerTool;
}
