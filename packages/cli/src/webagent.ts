import { CodeAgent } from "@smol/core";
import { executorOptions } from "./agents/build-agent.js";
import { loadExecutor } from "./agents/load-executor.js";
import { CliUsageError, ExitCode } from "./errors.js";
import { describeError, exitCodeFor } from "./output/describe-error.js";
import { type CliIo, processIo } from "./run/cli-io.js";
import { type AgentContext, executeRun, type PreparedAgent } from "./run/execute-run.js";
import { prepareSettings } from "./run/prepare-settings.js";
import { taskFromStdin } from "./run/stdin-task.js";
import { parseCommandLine } from "./settings/command-line.js";
import { openBrowserSession } from "./webagent/browser-session.js";
import { browserTools } from "./webagent/browser-tools.js";
import { findBrowser } from "./webagent/find-browser.js";
import { screenshotStepCallback } from "./webagent/screenshot-callback.js";

/** What the browsing agent is told on top of the CodeAgent's prompt. */
export const WEBAGENT_INSTRUCTIONS = `You drive a web browser through the tools go_to, click, type_text, scroll, go_back, close_popups and search_item_ctrl_f.
After each of your steps you are shown a screenshot of the page and its current URL: look at it before deciding the next action.
Do one or two browser actions per step, then stop, so that you see the result before going on.
To read a page, prefer search_item_ctrl_f to find the words you need and scroll to them; close pop-ups and cookie banners with close_popups when they get in the way.
Never try to log in. When you have what the task asks for, call final_answer with it.`;

/**
 * The `webagent` command: a CodeAgent that drives a headless Chromium to do a task on the web.
 * Resolves to the exit code (0 answered, 1 failed, 2 bad usage, 130 interrupted).
 *
 * @example
 * process.exitCode = await webagent(["Find the price of the blue mug on http://127.0.0.1:8080"]);
 */
export async function webagent(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    const commandLine = parseCommandLine("webagent", argv, {
      out: (text) => io.stdout.write(text),
      err: (text) => io.stderr.write(text),
    });
    if ("exitCode" in commandLine) return commandLine.exitCode;
    const task = commandLine.prompt ?? (await taskFromStdin(io.stdin));
    if (task === undefined) {
      throw new CliUsageError(
        'webagent needs a task, e.g. webagent "Find the opening hours on https://…", or piped on stdin (see webagent --help)',
      );
    }
    const settings = { ...prepareSettings(commandLine, io), actionType: "code" as const };
    // Before any download or model call: without a browser there is nothing to do.
    const browserPath = findBrowser(commandLine.browserPath ?? io.environment.SMOL_CHROMIUM_PATH);
    return await executeRun({
      command: "webagent",
      settings,
      task,
      io,
      createAgent: (context) => createBrowsingAgent(context, browserPath),
    });
  } catch (error) {
    io.stderr.write(`webagent: ${describeError(error)}\n`);
    return exitCodeFor(error) === ExitCode.answered ? ExitCode.failed : exitCodeFor(error);
  }
}

async function createBrowsingAgent(context: AgentContext, browserPath: string): Promise<PreparedAgent> {
  const { settings, model, tools, logger } = context;
  logger.waitFor("Starting the browser");
  const session = await openBrowserSession(browserPath);
  logger.finish();
  try {
    const executor = await loadExecutor(settings.executor, executorOptions(settings));
    const agent = new CodeAgent({
      tools: [...browserTools(session.page), ...tools],
      model,
      logger,
      executor,
      additionalAuthorizedImports: settings.imports,
      maxSteps: settings.maxSteps,
      streamOutputs: settings.stream,
      instructions: WEBAGENT_INSTRUCTIONS,
      stepCallbacks: [screenshotStepCallback(session.page)],
    });
    return { agent, dispose: () => session.close() };
  } catch (error) {
    await session.close();
    throw error;
  }
}
