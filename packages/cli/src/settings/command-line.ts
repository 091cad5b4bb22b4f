import { Command, CommanderError, Option } from "commander";
import { CliUsageError } from "../errors.js";
import { MODEL_TYPES } from "../models/model-types.js";
import { TOOLKIT_TOOLS } from "../tools/tool-specs.js";
import {
  type AgentSettings,
  EXECUTOR_TYPES,
  parseActionType,
  parseExecutorType,
  parseImports,
  parseMaxSteps,
  parseOutputFormat,
  parseVerbosityLevel,
} from "./settings.js";

declare const __SMOL_CLI_VERSION__: string | undefined;

/** The package's version, set at build time. */
export const CLI_VERSION = typeof __SMOL_CLI_VERSION__ === "string" ? __SMOL_CLI_VERSION__ : "0.0.0-dev";

export type CommandName = "smolagent" | "webagent";

/** What the command line says, before the config file and defaults are merged in. */
export interface CommandLine {
  /** The task; undefined starts the interactive mode (smolagent) . */
  prompt: string | undefined;
  settings: Partial<AgentSettings>;
  configPath?: string;
  envFile?: string;
  /** webagent: the Chrome or Chromium executable. */
  browserPath?: string;
}

/** The command line was handled without a run: `--help`, `--version`. */
export interface HandledCommandLine {
  exitCode: 0;
}

const HELP_EPILOG = `
Model types (--model-type; loaded on demand):
${MODEL_TYPES.map((entry) => `  ${entry.className.padEnd(22)}${entry.summary}`).join("\n")}

With no --model-type, the model comes from (in order): --api-base (an OpenAI-compatible
server), HF_TOKEN, OPENAI_API_KEY, ANTHROPIC_API_KEY, an Ollama server on 127.0.0.1:11434
(or OLLAMA_HOST); else the embedded default, LlamaCppModel on Qwen2.5-Coder-1.5B-Instruct,
downloaded once into ~/.cache/smol/models.

Tools (--tools, separated by spaces or commas; repeat the flag as you like):
${Object.entries(TOOLKIT_TOOLS)
  .map(([name, tool]) => `  ${name.padEnd(22)}${tool.summary}`)
  .join("\n")}
  mcp:stdio:<command>   the tools of a local MCP server, e.g. "mcp:stdio:npx -y @modelcontextprotocol/server-everything"
  mcp:http:<url>        the tools of a remote MCP server (Streamable HTTP); mcp:sse:<url> for HTTP+SSE
  An mcp: entry takes the rest of its value: give each server its own --tools.

Configuration: flags win over smol.config.json (keys: the flags in camelCase, plus
modelOptions, executorOptions and envFile), and a .env file fills missing environment variables.

Exit codes: 0 answered, 1 failed, 2 bad usage, 130 interrupted (Ctrl-C), 141 output closed
before the run ended (e.g. piped into head).`;

const SMOLAGENT_EXAMPLES = `
Examples:
  $ smolagent "Plan a trip to Tokyo, Kyoto and Osaka between Mar 28 and Apr 7." \\
      --model-type InferenceClientModel --model-id Qwen/Qwen2.5-Coder-32B-Instruct --imports "pandas numpy" --tools web_search
  $ smolagent "What is 2**32?" --model-type OpenAIModel --api-base http://127.0.0.1:8000/v1 --output json
  $ cat task.txt | smolagent --api-base http://127.0.0.1:8000/v1 --model-id qwen2.5-coder   # task on stdin, no key
  $ smolagent          # interactive mode: asks for the agent, the model, the tools and the task`;

const WEBAGENT_EXAMPLES = `
Examples:
  $ webagent "Find the opening hours on http://127.0.0.1:8080 and tell me when it closes on Sunday."
  $ webagent "…" --model-type OpenAIModel --model-id gpt-4o --browser-path /usr/bin/chromium`;

/** Repeated flags add up: `--tools web_search --tools visit_webpage`. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function buildCommand(
  name: CommandName,
  write: { out: (text: string) => void; err: (text: string) => void },
) {
  const command = new Command(name)
    .description(
      name === "smolagent"
        ? "Run a smol agent on a task: it thinks in code (or calls tools) and answers."
        : "Run a smol CodeAgent that drives a headless browser to do a task on the web.",
    )
    .argument(
      "[prompt]",
      name === "smolagent"
        ? "the task; without it, read from stdin when piped, else the interactive mode starts"
        : "the task; without it, read from stdin when piped",
    )
    .option("--model-type <class>", "the model class, e.g. OpenAIModel, InferenceClientModel (see below)")
    .option("--model-id <id>", "the model, e.g. gpt-4o, Qwen/Qwen2.5-Coder-32B-Instruct, a .gguf path")
    .option("--provider <name>", "the inference provider (InferenceClientModel), e.g. together, sambanova")
    .option("--api-base <url>", "the model server's URL (e.g. an OpenAI-compatible server's …/v1)")
    .option(
      "--api-key <key>",
      "the API key (default: the provider's environment variable; a local server at --api-base needs none)",
    );
  if (name === "smolagent") {
    command
      .option("--action-type <type>", "code (the agent writes Python) or tool_calling (JSON tool calls)")
      .option(
        "--tools <tools>",
        "tools to give the agent: toolkit names and MCP servers (see below); repeatable",
        collect,
      );
  }
  command
    .option(
      "--imports <modules>",
      'modules the code may import besides the safe ones, e.g. "pandas numpy"',
      collect,
    )
    .option(
      "--executor <type>",
      `where the code runs: ${EXECUTOR_TYPES.join(", ")} (default local, a sandbox)`,
    )
    .option("--max-steps <number>", "steps before the agent must answer (default 20)")
    .option("--verbosity-level <level>", "off, error, info (default) or debug (with stack traces)")
    .option("--stream", "stream the model's text as it is written (default)")
    .option("--no-stream", "print each step only once the model is done")
    .option(
      "--output <format>",
      "text (default) or json: a machine-readable answer and run summary on stdout",
    )
    .option("--config <path>", "a config file (default: ./smol.config.json when present)")
    .option("--env-file <path>", "an environment file (default: ./.env when present)");
  if (name === "webagent") {
    command.addOption(
      new Option(
        "--browser-path <path>",
        "the Chrome or Chromium to drive (default: /usr/bin/chromium, …)",
      ).env("SMOL_CHROMIUM_PATH"),
    );
  }
  command
    .version(CLI_VERSION, "-v, --version", "print the version")
    .helpOption("-h, --help", "show this help")
    .addHelpText("after", `${HELP_EPILOG}\n${name === "smolagent" ? SMOLAGENT_EXAMPLES : WEBAGENT_EXAMPLES}`)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: write.out,
      writeErr: write.err,
      // Errors are reworded into one line by the caller.
      outputError: () => {},
    });
  return command;
}

/**
 * Parses the arguments of `smolagent` or `webagent` (without `node` and the script). Help and
 * version are printed through `write.out` and give `{ exitCode: 0 }`; a mistake throws a
 * one-line `CliUsageError`.
 *
 * @example
 * const parsed = parseCommandLine("smolagent", ["What is 2+2?", "--model-type", "OpenAIModel"], writers);
 */
export function parseCommandLine(
  name: CommandName,
  argv: readonly string[],
  write: { out: (text: string) => void; err: (text: string) => void },
): CommandLine | HandledCommandLine {
  const command = buildCommand(name, write);
  try {
    command.parse([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return { exitCode: 0 };
      const message = error.message.replace(/^error:\s*/, "").replace(/\s*\n+\s*/g, " ");
      throw new CliUsageError(`${message} (see ${name} --help)`);
    }
    throw error;
  }
  const values = command.opts<Record<string, unknown>>();
  const text = (key: string) => (typeof values[key] === "string" ? (values[key] as string) : undefined);
  const list = (key: string) => (Array.isArray(values[key]) ? (values[key] as string[]) : undefined);
  const settings: Partial<AgentSettings> = {
    modelType: text("modelType"),
    modelId: text("modelId"),
    provider: text("provider"),
    apiBase: text("apiBase"),
    apiKey: text("apiKey"),
    tools: list("tools"),
    stream: typeof values.stream === "boolean" ? values.stream : undefined,
  };
  if (text("actionType")) settings.actionType = parseActionType(text("actionType")!, "--action-type");
  if (list("imports")) settings.imports = parseImports(list("imports")!, "--imports");
  if (text("executor")) settings.executor = parseExecutorType(text("executor")!, "--executor");
  if (text("maxSteps")) settings.maxSteps = parseMaxSteps(text("maxSteps")!, "--max-steps");
  if (text("verbosityLevel")) {
    settings.verbosityLevel = parseVerbosityLevel(text("verbosityLevel")!, "--verbosity-level");
  }
  if (text("output")) settings.output = parseOutputFormat(text("output")!, "--output");
  const prompt = command.args[0];
  if (prompt !== undefined && prompt.trim() === "")
    throw new CliUsageError("The prompt is empty: give a task.");
  return {
    prompt,
    settings,
    configPath: text("config"),
    envFile: text("envFile"),
    browserPath: text("browserPath"),
  };
}
