import {
  type AgentLogger,
  CodeAgent,
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
  const executor = await loadExecutor(settings.executor, executorOptions(settings));
  try {
    return new CodeAgent({ ...common, executor, additionalAuthorizedImports: settings.imports });
  } catch (error) {
    await executor.cleanup();
    throw error;
  }
}

/**
 * The executor's options from the settings. `--executor python` runs the code in the user's own
 * python3: the CLI says so in one line of its own (see `executeRun`) instead of the executor's
 * process warning.
 */
export function executorOptions(settings: AgentSettings): Record<string, unknown> {
  const options: Record<string, unknown> = {
    additionalAuthorizedImports: settings.imports,
    ...settings.executorOptions,
  };
  if (settings.executor === "python") options.suppressSandboxWarning ??= true;
  return options;
}
