import { checkbox, input, password, select } from "@inquirer/prompts";
import type { ModelChoice } from "../models/choose-model.js";
import { findModelType, MODEL_TYPES } from "../models/model-types.js";
import { type ActionType, type AgentSettings, EXECUTOR_TYPES, parseImports } from "../settings/settings.js";
import { parseToolSpecs, TOOLKIT_TOOL_NAMES, TOOLKIT_TOOLS } from "../tools/tool-specs.js";

/** Where the prompts read and write: the terminal. */
export interface PromptStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

const AUTOMATIC = "automatic";

/** A validator for inquirer: `true`, or the message to show. */
function validating(check: (value: string) => unknown): (value: string) => true | string {
  return (value) => {
    try {
      check(value);
      return true;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  };
}

/**
 * The interactive mode: asks for the action type, the model type and id (and its URL and key
 * when it needs them), the tools, the imports, the executor, then the task. Defaults are the
 * settings so far (flags, config file); every answer is validated as the flags are. Ctrl-C
 * rejects with inquirer's `ExitPromptError`.
 *
 * @example
 * const { settings, task } = await promptForRun(settings, automaticChoice, process.env, { input: process.stdin, output: process.stdout });
 */
export async function promptForRun(
  initial: AgentSettings,
  automatic: ModelChoice,
  environment: NodeJS.ProcessEnv,
  streams: PromptStreams,
): Promise<{ settings: AgentSettings; task: string }> {
  const context = { input: streams.input, output: streams.output };
  const settings: AgentSettings = { ...initial };

  settings.actionType = await select<ActionType>(
    {
      message: "What kind of agent?",
      choices: [
        { name: "code", value: "code", description: "The agent writes Python, run in a sandbox (CodeAgent)" },
        {
          name: "tool_calling",
          value: "tool_calling",
          description: "The agent calls tools with JSON arguments (ToolCallingAgent)",
        },
      ],
      default: initial.actionType,
    },
    context,
  );

  const automaticLabel = `${automatic.entry.className}${automatic.flags.modelId ? ` ${automatic.flags.modelId}` : ""}`;
  const modelType = await select<string>(
    {
      message: "Which model type?",
      choices: [
        { name: `Automatic: ${automaticLabel}`, value: AUTOMATIC, description: automatic.reason },
        ...MODEL_TYPES.map((entry) => ({
          name: entry.className,
          value: entry.className,
          description: entry.summary,
        })),
      ],
      default: initial.modelType ? findModelType(initial.modelType)?.className : AUTOMATIC,
      pageSize: 12,
    },
    context,
  );
  settings.modelType = modelType === AUTOMATIC ? undefined : modelType;
  const entry = settings.modelType ? findModelType(settings.modelType)! : automatic.entry;

  if (modelType !== AUTOMATIC || !automatic.isEmbeddedDefault) {
    const defaultId =
      initial.modelId ?? (modelType === AUTOMATIC ? automatic.flags.modelId : entry.defaultModelId);
    const answer = await input(
      {
        message: `Model id for ${entry.className}${entry.requiresModelId || defaultId ? "" : " (empty: its default)"}:`,
        default: defaultId,
        required: entry.requiresModelId && !defaultId,
      },
      context,
    );
    settings.modelId = answer.trim() || undefined;
  }
  if (entry.apiBaseMeaning && (modelType !== AUTOMATIC || initial.apiBase)) {
    const answer = await input(
      {
        message: `API base URL (empty: the default) — ${entry.apiBaseMeaning}:`,
        default: initial.apiBase,
        validate: validating((value) => value.trim() === "" || new URL(value.trim())),
      },
      context,
    );
    settings.apiBase = answer.trim() || undefined;
  }
  if (entry.apiKeyVariable && !environment[entry.apiKeyVariable] && !initial.apiKey) {
    const answer = await password(
      { message: `API key (${entry.apiKeyVariable} is not set; empty to go without):`, mask: "*" },
      context,
    );
    settings.apiKey = answer.trim() || undefined;
  }

  const initialSpecs = parseToolSpecs(initial.tools, "tools");
  const chosenTools = await checkbox<string>(
    {
      message: "Which tools? (space to select, enter to confirm)",
      choices: TOOLKIT_TOOL_NAMES.map((name) => ({
        name,
        value: name,
        description: TOOLKIT_TOOLS[name].summary,
        checked: initialSpecs.some((spec) => spec.kind === "toolkit" && spec.name === name),
      })),
    },
    context,
  );
  const mcpServer = await input(
    {
      message: "An MCP server too? (empty: none; e.g. mcp:stdio:npx -y <package>, mcp:http:<url>)",
      default: initialSpecs.find((spec) => spec.kind === "mcp")?.text,
      validate: validating((value) => value.trim() === "" || parseToolSpecs([value.trim()], "MCP server")),
    },
    context,
  );
  settings.tools = [...chosenTools, ...(mcpServer.trim() ? [mcpServer.trim()] : [])];

  if (settings.actionType === "code") {
    const imports = await input(
      {
        message: "Extra Python imports to allow? (e.g. pandas numpy; empty: only the safe standard ones)",
        default: initial.imports.join(" "),
        validate: validating((value) => parseImports(value, "imports")),
      },
      context,
    );
    settings.imports = parseImports(imports, "imports");
    settings.executor = await select(
      {
        message: "Where should the code run?",
        choices: EXECUTOR_TYPES.map((type) => ({
          name: type,
          value: type,
          description: executorDescriptions[type],
        })),
        default: initial.executor,
      },
      context,
    );
  }

  const task = await input(
    {
      message: "What should the agent do?",
      validate: (value) => value.trim() !== "" || "Write a task for the agent.",
    },
    context,
  );
  return { settings, task: task.trim() };
}

const executorDescriptions: Record<string, string> = {
  local: "A sandbox on this machine: Python in WebAssembly, no access to files or network (default)",
  python: "This machine's python3: fast, with its packages, but not a sandbox",
  docker: "A Docker container (needs @smol/executor-docker and a Docker engine)",
  e2b: "An E2B cloud sandbox (needs @smol/executor-e2b and E2B_API_KEY)",
  blaxel: "A Blaxel cloud sandbox (needs @smol/executor-blaxel and BL_API_KEY)",
};

/** The flags that repeat these choices, to run them again without the questions. */
export function equivalentCommand(settings: AgentSettings, task: string): string {
  const words = ["smolagent", task, "--action-type", settings.actionType];
  if (settings.modelType) words.push("--model-type", settings.modelType);
  if (settings.modelId) words.push("--model-id", settings.modelId);
  if (settings.provider) words.push("--provider", settings.provider);
  if (settings.apiBase) words.push("--api-base", settings.apiBase);
  for (const tool of settings.tools) words.push("--tools", tool);
  if (settings.actionType === "code") {
    if (settings.imports.length > 0) words.push("--imports", settings.imports.join(" "));
    words.push("--executor", settings.executor);
  }
  return words.map(shellQuote).join(" ");
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
