import { AgentInterruptedError, LogLevel, type Model, type MultiStepAgent, type Tool } from "@smol/core";
import { buildAgent, executorOptions } from "../agents/build-agent.js";
import { loadExecutor } from "../agents/load-executor.js";
import { type RunOutcome, runTask } from "../agents/run-task.js";
import { ExitCode } from "../errors.js";
import { chooseModel, type ModelChoice, probeOllama } from "../models/choose-model.js";
import { ensureDefaultModel } from "../models/default-model.js";
import { loadModel } from "../models/load-model.js";
import {
  describeError,
  describeErrorInDetail,
  type ErrorContext,
  exitCodeFor,
} from "../output/describe-error.js";
import { LiveLogger } from "../output/live-logger.js";
import { ProgressBar } from "../output/progress-bar.js";
import { runSummary, toJson } from "../output/run-summary.js";
import { isLiveTerminal } from "../output/terminal.js";
import type { CommandName } from "../settings/command-line.js";
import type { AgentSettings } from "../settings/settings.js";
import { type LoadedTools, loadTools } from "../tools/load-tools.js";
import { parseToolSpecs, type ToolSpec } from "../tools/tool-specs.js";
import type { CliIo } from "./cli-io.js";
import { interruptOnSignals } from "./interruption.js";

/** What a command needs to build its agent once the model and tools are ready. */
export interface AgentContext {
  settings: AgentSettings;
  model: Model;
  tools: Tool[];
  logger: LiveLogger;
  signal: AbortSignal;
}

/** The agent of a command, with what else it holds (a browser) to release after the run. */
export interface PreparedAgent {
  agent: MultiStepAgent;
  dispose?(): Promise<void>;
}

export interface ExecuteOptions {
  command: CommandName;
  settings: AgentSettings;
  task: string;
  io: CliIo;
  /** Builds the agent; default: `buildAgent` (smolagent's CodeAgent or ToolCallingAgent). */
  createAgent?: (context: AgentContext) => Promise<PreparedAgent>;
}

/**
 * Runs a command's task from its settings and returns the exit code: picks and prepares the
 * model (downloading the default one if needed), loads the tools, builds the agent, runs it with
 * live output, and releases everything (sandbox, MCP servers, browser, model) whatever happens.
 * Ctrl-C interrupts at any stage. With `--output json`, the live output goes to stderr and
 * stdout gets one JSON summary.
 *
 * @example
 * process.exitCode = await executeRun({ command: "smolagent", settings, task, io: processIo() });
 */
export async function executeRun(options: ExecuteOptions): Promise<number> {
  const { settings, io, command } = options;
  const json = settings.output === "json";
  const logger = new LiveLogger({
    stream: json ? io.stderr : io.stdout,
    level: settings.verbosityLevel,
    environment: io.environment,
  });
  using interruption = interruptOnSignals(io.signals, () => io.forceExit(ExitCode.interrupted));
  // Nobody reads the output any more: stop the run as Ctrl-C does, without a word.
  const outputClosed = io.outputClosed;
  const stopForClosedOutput = () => interruption.interrupt(outputClosed?.reason as Error);
  outputClosed?.addEventListener("abort", stopForClosedOutput, { once: true });
  if (outputClosed?.aborted) stopForClosedOutput();
  const releases: (() => Promise<void>)[] = [];
  let choice: ModelChoice | undefined;
  let outcome: RunOutcome | undefined;
  let failure: unknown;
  try {
    const specs = parseToolSpecs(settings.tools, "--tools");
    choice = await chooseModel(settings, {
      environment: io.environment,
      probeOllama: () => probeOllama(io.environment),
    });
    warnAboutUnusedFlags(settings, choice, logger);
    if (choice.isEmbeddedDefault) {
      const path = await downloadDefaultModel(io, logger, interruption.signal);
      choice.flags = { ...choice.flags, modelId: path };
    }
    logger.notice(
      `Model: ${choice.entry.className} ${choice.flags.modelId ?? "(its default model)"} — ${choice.reason}`,
    );
    const model = await loadModel(choice, settings.modelOptions);
    releases.push(() => disposeIfPossible(model));
    interruption.signal.throwIfAborted();
    if (
      settings.executor === "python" &&
      (settings.actionType === "code" || command === "webagent" || usesPython(specs))
    ) {
      logger.notice(
        "Note: --executor python runs the code in this machine's python3, with your rights: it is not a sandbox.",
        LogLevel.ERROR,
      );
    }
    const tools: LoadedTools = await loadTools(specs, {
      // The Python tool runs on the executor of the settings, loaded from the CLI's installation.
      python_interpreter: {
        authorizedImports: settings.imports,
        createExecutor: () => loadExecutor(settings.executor, executorOptions(settings)),
      },
    });
    releases.push(() => tools.close());
    interruption.signal.throwIfAborted();
    const context = { settings, model, tools: tools.tools, logger, signal: interruption.signal };
    const prepared = options.createAgent
      ? await options.createAgent(context)
      : { agent: await buildAgent(context) };
    releases.push(async () => {
      await prepared.agent.cleanup();
      await prepared.dispose?.();
    });
    interruption.onInterrupt = () => {
      logger.finish();
      if (!outputClosed?.aborted) {
        logger.notice(
          "Interrupted: stopping the agent and removing its sandbox (Ctrl-C again to quit at once)…",
          LogLevel.ERROR,
        );
      }
      logger.interrupted();
      prepared.agent.interrupt();
      // Code in flight may not listen to the abort signal: stopping the sandbox ends it for sure.
      prepared.agent.cleanup().catch(() => {});
    };
    interruption.signal.throwIfAborted();
    outcome = await runTask(prepared.agent, options.task, { logger, signal: interruption.signal });
  } catch (error) {
    failure = interruption.signal.aborted ? interruptedError(error) : error;
  } finally {
    outputClosed?.removeEventListener("abort", stopForClosedOutput);
    logger.finish();
    for (const release of releases.reverse()) await release().catch(() => {});
  }
  if (outputClosed?.aborted && outcome?.status !== "answered") return ExitCode.outputClosed;

  const error = outcome?.error ?? failure;
  const errorContext: ErrorContext = {
    modelType: choice?.entry.className,
    apiBase: choice?.flags.apiBase,
    apiKeyVariable: choice?.entry.apiKeyVariable,
    withoutKey: choice?.withoutKey,
  };
  if (json) {
    const summary = runSummary({
      outcome,
      error: failure,
      model: choice ? { type: choice.entry.className, id: choice.flags.modelId } : undefined,
      actionType: command === "webagent" ? "code" : settings.actionType,
      errorContext,
    });
    io.stdout.write(`${toJson(summary)}\n`);
  } else if (outcome?.status === "answered" && !logger.isEnabled(LogLevel.INFO)) {
    // Quiet runs still print their answer, so that `--verbosity-level off` suits scripts.
    io.stdout.write(`${typeof outcome.output === "string" ? outcome.output : toJson(outcome.output)}\n`);
  }
  if (outcome?.status === "answered") return ExitCode.answered;
  io.stderr.write(`${command}: ${describeError(error, errorContext)}\n`);
  if (settings.verbosityLevel >= LogLevel.DEBUG) io.stderr.write(`${describeErrorInDetail(error)}\n`);
  return outcome?.status === "interrupted" ? ExitCode.interrupted : exitCodeFor(error);
}

async function downloadDefaultModel(io: CliIo, logger: LiveLogger, signal: AbortSignal): Promise<string> {
  let bar: ProgressBar | undefined;
  const path = await ensureDefaultModel({
    environment: io.environment,
    signal,
    onStart: ({ destination }) => {
      logger.notice(`Downloading the default model, once, into ${destination}`);
      bar = new ProgressBar(
        "Default model",
        (text) => io.stderr.write(text),
        isLiveTerminal(io.stderr, io.environment),
      );
    },
    onProgress: ({ receivedBytes, totalBytes }) => bar?.update(receivedBytes, totalBytes),
  });
  bar?.finish();
  return path;
}

function warnAboutUnusedFlags(settings: AgentSettings, choice: ModelChoice, logger: LiveLogger): void {
  if (settings.provider && !choice.entry.takesProvider) {
    logger.notice(
      `Note: --provider is not used by ${choice.entry.className}; it is ignored.`,
      LogLevel.ERROR,
    );
  }
  if (settings.apiBase && !choice.entry.apiBaseMeaning) {
    logger.notice(
      `Note: --api-base is not used by ${choice.entry.className}; it is ignored.`,
      LogLevel.ERROR,
    );
  }
}

async function disposeIfPossible(value: unknown): Promise<void> {
  const dispose = (value as { [Symbol.asyncDispose]?: () => Promise<void> })[Symbol.asyncDispose];
  if (typeof dispose === "function") await dispose.call(value);
}

function interruptedError(cause: unknown): Error {
  if (AgentInterruptedError.isInstance(cause)) return cause;
  return new AgentInterruptedError("The command was interrupted (Ctrl-C).", { cause });
}

function usesPython(specs: readonly ToolSpec[]): boolean {
  return specs.some((spec) => spec.kind === "toolkit" && spec.name === "python_interpreter");
}
