/**
 * @smol/cli: the `smolagent` and `webagent` commands, usable from code too (each resolves to its
 * exit code), and the pieces they are made of.
 */
export { buildAgent } from "./agents/build-agent.js";
export { loadExecutor } from "./agents/load-executor.js";
export { type RunOutcome, type RunStatus, runTask } from "./agents/run-task.js";
export { BrowserUnavailableError, CliUsageError, ExitCode, NoModelAvailableError } from "./errors.js";
export { chooseModel, type ModelChoice, ollamaHost, probeOllama } from "./models/choose-model.js";
export { DEFAULT_LOCAL_MODEL, ensureDefaultModel, modelCacheDirectory } from "./models/default-model.js";
export { loadModel } from "./models/load-model.js";
export { findModelType, MODEL_TYPES, type ModelFlags, type ModelTypeEntry } from "./models/model-types.js";
export { describeError } from "./output/describe-error.js";
export { LiveLogger, type LiveLoggerOptions } from "./output/live-logger.js";
export { type RunSummary, runSummary } from "./output/run-summary.js";
export { type CliIo, processIo } from "./run/cli-io.js";
export { CONFIG_FILE_NAME, readConfigFile } from "./settings/config-file.js";
export { loadEnvFile, parseEnvFile } from "./settings/env-file.js";
export { type AgentSettings, DEFAULT_SETTINGS } from "./settings/settings.js";
export { smolagent } from "./smolagent.js";
export { type LoadedTools, loadTools } from "./tools/load-tools.js";
export { parseToolSpecs, TOOLKIT_TOOLS, type ToolSpec } from "./tools/tool-specs.js";
export { browserTools } from "./webagent/browser-tools.js";
export { SCREENSHOTS_KEPT, screenshotStepCallback } from "./webagent/screenshot-callback.js";
export { WEBAGENT_INSTRUCTIONS, webagent } from "./webagent.js";
