import { messageText } from "../models/messages.js";
import { renderTemplate } from "../prompts/render-template.js";
import { Tool } from "../tools/tool.js";
import type { ToolCallOptions, ToolInputs } from "../tools/types.js";
import type { MultiStepAgent } from "./multi-step-agent.js";
import { stringifyValue, truncateText } from "./value-text.js";

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

/**
 * Runs `agent` on a task from its manager: the task wrapped in the `managedAgent.task` template,
 * the answer in `managedAgent.report`, plus a summary of the work with `provideRunSummary`.
 */
export async function runAsManagedAgent(
  agent: MultiStepAgent,
  task: string,
  options: { additionalArgs?: Record<string, unknown>; signal?: AbortSignal },
): Promise<string> {
  const name = agent.name ?? "";
  const templates = agent.promptTemplates.managedAgent;
  const fullTask = renderTemplate(templates.task, { name, task }, "managedAgent.task");
  const result = await agent.run(fullTask, {
    additionalArgs: options.additionalArgs,
    signal: options.signal,
    returnFullResult: true,
  });
  const finalAnswer = stringifyValue(result.output);
  let report = renderTemplate(templates.report, { name, finalAnswer }, "managedAgent.report");
  if (agent.provideRunSummary) {
    const summary = agent
      .writeMemoryToMessages(true)
      .map((message) => truncateText(messageText(message), 2_000))
      .join("\n---\n");
    report += `\n\nA summary of the work done, for more detail:\n<summary_of_work>\n${summary}\n</summary_of_work>`;
  }
  return report;
}
