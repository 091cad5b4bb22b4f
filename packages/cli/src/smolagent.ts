import { ExitCode } from "./errors.js";
import { equivalentCommand, promptForRun } from "./interactive/interactive-setup.js";
import { chooseModel, probeOllama } from "./models/choose-model.js";
import { describeError, exitCodeFor } from "./output/describe-error.js";
import { type CliIo, processIo } from "./run/cli-io.js";
import { executeRun } from "./run/execute-run.js";
import { prepareSettings } from "./run/prepare-settings.js";
import { taskFromStdin } from "./run/stdin-task.js";
import { parseCommandLine } from "./settings/command-line.js";

/**
 * The `smolagent` command: runs an agent on the prompt, or on the task piped on stdin, or, with
 * neither, asks for the agent's settings and the task in the terminal first. Resolves to the exit code (0 answered,
 * 1 failed, 2 bad usage, 130 interrupted).
 *
 * @example
 * process.exitCode = await smolagent(["What is 2**10?", "--model-type", "OpenAIModel", "--output", "json"]);
 */
export async function smolagent(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    const commandLine = parseCommandLine("smolagent", argv, {
      out: (text) => io.stdout.write(text),
      err: (text) => io.stderr.write(text),
    });
    if ("exitCode" in commandLine) return commandLine.exitCode;
    let settings = prepareSettings(commandLine, io);
    let task = commandLine.prompt ?? (await taskFromStdin(io.stdin));
    if (task === undefined) {
      if (!io.stdin.isTTY) {
        io.stderr.write(
          "smolagent: no task given. Pass it as the first argument, pipe it on stdin, or run smolagent in a terminal for the interactive mode.\n",
        );
        return ExitCode.usage;
      }
      const automatic = await chooseModel(
        { ...settings, modelType: undefined },
        { environment: io.environment, probeOllama: () => probeOllama(io.environment) },
      );
      ({ settings, task } = await promptForRun(settings, automatic, io.environment, {
        input: io.stdin,
        output: io.stdout,
      }));
      io.stdout.write(`\nTo run this again: ${equivalentCommand(settings, task)}\n\n`);
    }
    return await executeRun({ command: "smolagent", settings, task, io });
  } catch (error) {
    if (isPromptExit(error)) {
      io.stdout.write("\n");
      io.stderr.write("smolagent: cancelled.\n");
      return ExitCode.interrupted;
    }
    io.stderr.write(`smolagent: ${describeError(error)}\n`);
    return exitCodeFor(error);
  }
}

/** Ctrl-C in a prompt: inquirer rejects with an `ExitPromptError`. */
function isPromptExit(error: unknown): boolean {
  return error instanceof Error && (error.name === "ExitPromptError" || error.name === "AbortPromptError");
}
