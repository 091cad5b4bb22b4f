import { AgentConfigurationError } from "../errors.js";
import { FinalAnswerTool } from "../tools/final-answer-tool.js";
import { isValidIdentifier } from "../tools/python-names.js";
import type { Tool } from "../tools/tool.js";
import { type BaseToolsOptions, loadBaseTools } from "./base-tools.js";
import { type ManagedAgent, ManagedAgentTool } from "./managed-agent-tool.js";

/**
 * The agent's tools by name: the user's (each validated), the base tools when asked (a user
 * tool of the same name wins), and `final_answer` unless the user gave one.
 */
export function collectTools(
  tools: readonly Tool[] | undefined,
  addBaseTools: boolean,
  baseToolsOptions: BaseToolsOptions,
): Record<string, Tool> {
  if (tools !== undefined && !Array.isArray(tools)) {
    throw new AgentConfigurationError(
      "tools must be a list of tools, e.g. tools: [myTool]; give [] for none.",
    );
  }
  const byName: Record<string, Tool> = {};
  for (const [index, tool] of (tools ?? []).entries()) {
    if (typeof tool !== "object" || tool === null || typeof (tool as Tool).call !== "function") {
      throw new AgentConfigurationError(
        `tools[${index}] is not a tool. Make tools with tool({ name, description, inputs, outputType }, fn) ` +
          "or by extending the Tool class.",
      );
    }
    tool.validate();
    byName[tool.name] = tool;
  }
  if (addBaseTools) {
    for (const tool of loadBaseTools(baseToolsOptions)) {
      if (!(tool.name in byName)) byName[tool.name] = tool;
    }
  }
  byName.final_answer ??= new FinalAnswerTool();
  return byName;
}

/** Managed agents wrapped as tools, by name; each must have a valid name and a description. */
export function collectManagedAgents(
  agents: readonly ManagedAgent[] | undefined,
): Record<string, ManagedAgentTool> {
  const byName: Record<string, ManagedAgentTool> = {};
  for (const [index, agent] of (agents ?? []).entries()) {
    if (!agent?.name || !agent.description) {
      throw new AgentConfigurationError(
        `managedAgents[${index}] needs a name and a description: its manager calls it by name and ` +
          'reads the description to know when to. Build it with e.g. { name: "web_search_agent", ' +
          'description: "Searches the web for you." }.',
      );
    }
    byName[agent.name] = new ManagedAgentTool(agent);
  }
  return byName;
}

/** The agent's own name must be a valid identifier: a manager calls it as a function. */
export function checkAgentName(name: string | undefined): void {
  if (name !== undefined && !isValidIdentifier(name)) {
    throw new AgentConfigurationError(
      `The agent name ${JSON.stringify(name)} is not a valid identifier: use letters, digits and ` +
        "underscores, not starting with a digit, and not a Python keyword (e.g. web_search_agent).",
    );
  }
}

/** Tools, managed agents and the agent itself must all have different names. */
export function checkUniqueNames(
  toolNames: readonly string[],
  managedAgentNames: readonly string[],
  agentName: string | undefined,
): void {
  const names = [...toolNames, ...managedAgentNames, ...(agentName ? [agentName] : [])];
  const duplicates = [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
  if (duplicates.length > 0) {
    throw new AgentConfigurationError(
      `Each tool, managed agent and the agent itself need a different name; these are used more than once: ${duplicates.join(", ")}.`,
    );
  }
}

/** A positive whole number of steps. */
export function checkMaxSteps(maxSteps: number, where = "maxSteps"): number {
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new AgentConfigurationError(
      `${where} must be a whole number of steps, at least 1; got ${maxSteps}.`,
    );
  }
  return maxSteps;
}
