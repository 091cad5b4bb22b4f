import {
  type AgentLogger,
  CodeAgent,
  LogLevel,
  type Model,
  type MultiStepAgent,
  type StepCallbacks,
  type Tool,
  ToolCallingAgent,
} from "@smol/core";
import type { AgentSettings } from "../settings/settings.js";
import { loadExecutor } from "./load-executor.js";

export interface AgentParts {
  settings: AgentSettings;
  model: Model;
  tools: Tool[];
  logger: AgentLogger;
  instructions?: string;
  stepCallbacks?: StepCallbacks;
}

/**
 * The agent of the settings: a `CodeAgent` on the chosen executor (built here, so that it loads
 * from the CLI's installation; the agent stops it when disposed), or a `ToolCallingAgent`.
 *
 * @example
 * await using agent = await buildAgent({ settings, model, tools, logger });
 */
export async function buildAgent(parts: AgentParts): Promise<MultiStepAgent> {
  const { settings, model, tools, logger } = parts;
  const common = {
    tools,
    model,
    logger,
    maxSteps: settings.maxSteps,
    streamOutputs: settings.stream,
    instructions: parts.instructions,
    stepCallbacks: parts.stepCallbacks,
  };
  if (settings.actionType === "tool_calling") return new ToolCallingAgent(common);
  const executor = await loadExecutor(settings.executor, executorOptions(settings, logger));
  try {
    return new CodeAgent({ ...common, executor, additionalAuthorizedImports: settings.imports });
  } catch (error) {
    await executor.cleanup();
    throw error;
  }
}

/**
 * The executor's options from the settings. `--executor python` runs the code in the user's own
 * python3: the CLI says so in one line of its own instead of the executor's process warning.
 */
export function executorOptions(settings: AgentSettings, logger: AgentLogger): Record<string, unknown> {
  const options: Record<string, unknown> = {
    additionalAuthorizedImports: settings.imports,
    ...settings.executorOptions,
  };
  if (settings.executor === "python") {
    logger.log("Note: --executor python runs the code in this machine's python3, with your rights: it is not a sandbox.", LogLevel.ERROR);
    options.suppressSandboxWarning ??= true;
  }
  return options;
}
