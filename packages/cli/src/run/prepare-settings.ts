import type { CommandLine } from "../settings/command-line.js";
import { readConfigFile } from "../settings/config-file.js";
import { loadEnvFile } from "../settings/env-file.js";
import { type AgentSettings, mergeSettings } from "../settings/settings.js";
import type { CliIo } from "./cli-io.js";

/**
 * The settings of a run: defaults, then `smol.config.json`, then the flags. The environment
 * file (`--env-file`, the config's `envFile`, or `./.env`) fills the variables the shell did not
 * set, before anything reads them.
 */
export function prepareSettings(commandLine: CommandLine, io: CliIo): AgentSettings {
  const config = readConfigFile(commandLine.configPath, io.cwd);
  const envFile = commandLine.envFile ?? config?.envFile;
  loadEnvFile(envFile, commandLine.envFile || !config ? io.cwd : dirnameOf(config.path), io.environment);
  return mergeSettings(config?.settings ?? {}, commandLine.settings);
}

function dirnameOf(path: string): string {
  return path.replace(/[/\\][^/\\]*$/, "") || "/";
}
