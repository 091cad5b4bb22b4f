import { Tool } from "../tools/tool.js";
import type { ToolCallOptions, ToolInputs } from "../tools/types.js";
import type { MultiStepAgent } from "./multi-step-agent.js";

/**
 * A managed agent seen as a tool by its manager: `name(task, additionalArgs?)` runs the agent
 * on the task and returns its report as a string.
 */
export class ManagedAgentTool extends Tool {
  name: string;
  description: string;
  inputs: ToolInputs = {
    task: {
      type: "string",
      description: "The task for this team member, explained in full: it sees nothing else of your work.",
    },
    additionalArgs: {
      type: "object",
      description: "Values the team member can use by their keys (data, file contents, …), if any.",
      nullable: true,
    },
  };
  outputType = "string" as const;

  constructor(readonly agent: MultiStepAgent) {
    super();
    this.name = agent.name ?? "";
    this.description = agent.description ?? "";
  }

  async forward(
    args: { task: string; additionalArgs?: Record<string, unknown> | null },
    options: ToolCallOptions = {},
  ): Promise<string> {
    return await this.agent.callAsManagedAgent(args.task, {
      additionalArgs: args.additionalArgs ?? undefined,
      signal: options.signal,
    });
  }
}
