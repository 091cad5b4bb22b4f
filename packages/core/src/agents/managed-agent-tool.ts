import { type ChatMessage, messageText } from "../models/messages.js";
import type { PromptTemplates } from "../prompts/prompt-templates.js";
import { renderTemplate } from "../prompts/render-template.js";
import { Tool } from "../tools/tool.js";
import type { ToolCallOptions, ToolInputs } from "../tools/types.js";
import type { RunOptions, RunResult } from "./agent-options.js";
import { stringifyValue, truncateText } from "./value-text.js";

/** Where a managed agent's run happens: the agent itself (its default session) or a session. */
export interface ManagedAgentRunner {
  run(task: string, options: RunOptions & { stream?: false; returnFullResult: true }): Promise<RunResult>;
  writeMemoryToMessages(summaryMode?: boolean): ChatMessage[];
}

/** What a manager needs of an agent it manages (a `MultiStepAgent` is one). */
export interface ManagedAgent extends ManagedAgentRunner {
  readonly name: string | undefined;
  readonly description: string | undefined;
  readonly promptTemplates: PromptTemplates;
  readonly provideRunSummary: boolean;
}

/**
 * A managed agent seen as a tool by its manager: `name(task, additionalArgs?)` runs the agent
 * on the task and returns its report as a string. `runner` says where the run happens: the
 * agent's default session unless the manager runs in a session of its own, whose managed
 * agents then each run in a session of theirs.
 */
export class ManagedAgentTool extends Tool {
  name: string;
  description: string;
  inputs = {
    task: {
      type: "string",
      description: "The task for this team member, explained in full: it sees nothing else of your work.",
    },
    additionalArgs: {
      type: "object",
      description: "Values the team member can use by their keys (data, file contents, …), if any.",
      nullable: true,
    },
  } satisfies ToolInputs;
  outputType = "string" as const;

  readonly #runner: () => ManagedAgentRunner;

  constructor(
    readonly agent: ManagedAgent,
    runner?: () => ManagedAgentRunner,
  ) {
    super();
    this.name = agent.name ?? "";
    this.description = agent.description ?? "";
    this.#runner = runner ?? (() => agent);
  }

  async forward(
    args: { task: string; additionalArgs?: Record<string, unknown> | null },
    options: ToolCallOptions = {},
  ): Promise<string> {
    return await runAsManagedAgent(this.agent, args.task, {
      additionalArgs: args.additionalArgs ?? undefined,
      signal: options.signal,
      runner: this.#runner(),
    });
  }
}

/**
 * Runs `agent` on a task from its manager: the task wrapped in the `managedAgent.task` template,
 * the answer in `managedAgent.report`, plus a summary of the work with `provideRunSummary`.
 */
export async function runAsManagedAgent(
  agent: ManagedAgent,
  task: string,
  options: { additionalArgs?: Record<string, unknown>; signal?: AbortSignal; runner?: ManagedAgentRunner },
): Promise<string> {
  const name = agent.name ?? "";
  const runner = options.runner ?? agent;
  const templates = agent.promptTemplates.managedAgent;
  const fullTask = renderTemplate(templates.task, { name, task }, "managedAgent.task");
  const result = await runner.run(fullTask, {
    additionalArgs: options.additionalArgs,
    signal: options.signal,
    returnFullResult: true,
  });
  const finalAnswer = stringifyValue(result.output);
  let report = renderTemplate(templates.report, { name, finalAnswer }, "managedAgent.report");
  if (agent.provideRunSummary) {
    const summary = runner
      .writeMemoryToMessages(true)
      .map((message) => truncateText(messageText(message), 2_000))
      .join("\n---\n");
    report += `\n\nA summary of the work done, for more detail:\n<summary_of_work>\n${summary}\n</summary_of_work>`;
  }
  return report;
}
