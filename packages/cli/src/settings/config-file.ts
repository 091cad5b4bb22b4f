import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CliUsageError } from "../errors.js";
import {
  type AgentSettings,
  parseActionType,
  parseExecutorType,
  parseImports,
  parseMaxSteps,
  parseOutputFormat,
  parseVerbosityLevel,
} from "./settings.js";

export const CONFIG_FILE_NAME = "smol.config.json";

/** What a config file may hold besides settings. */
export interface ConfigFile {
  path: string;
  settings: Partial<AgentSettings>;
  /** An environment file to load (relative to the config file's folder). */
  envFile?: string;
}

type KeyReader = (value: unknown, source: string) => Partial<AgentSettings>;

function text(value: unknown, source: string): string {
  if (typeof value === "string" && value.trim() !== "") return value;
  throw new CliUsageError(`${source} must be a non-empty string.`);
}

function record(value: unknown, source: string): Record<string, unknown> {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return { ...value };
  throw new CliUsageError(`${source} must be an object.`);
}

function stringList(value: unknown, source: string): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((entry) => typeof entry === "string")) return value;
  throw new CliUsageError(`${source} must be a string or a list of strings.`);
}

const keyReaders: Record<string, KeyReader> = {
  actionType: (value, source) => ({ actionType: parseActionType(text(value, source), source) }),
  modelType: (value, source) => ({ modelType: text(value, source) }),
  modelId: (value, source) => ({ modelId: text(value, source) }),
  provider: (value, source) => ({ provider: text(value, source) }),
  apiBase: (value, source) => ({ apiBase: text(value, source) }),
  apiKey: (value, source) => ({ apiKey: text(value, source) }),
  imports: (value, source) => ({ imports: parseImports(stringList(value, source), source) }),
  tools: (value, source) => ({ tools: stringList(value, source) }),
  executor: (value, source) => ({ executor: parseExecutorType(text(value, source), source) }),
  maxSteps: (value, source) => ({ maxSteps: parseMaxSteps(value as number, source) }),
  verbosityLevel: (value, source) => ({ verbosityLevel: parseVerbosityLevel(value as string, source) }),
  stream: (value, source) => {
    if (typeof value !== "boolean") throw new CliUsageError(`${source} must be true or false.`);
    return { stream: value };
  },
  output: (value, source) => ({ output: parseOutputFormat(text(value, source), source) }),
  modelOptions: (value, source) => ({ modelOptions: record(value, source) }),
  executorOptions: (value, source) => ({ executorOptions: record(value, source) }),
};

/**
 * Reads `smol.config.json`: the path given, or the file in `directory` when there is one.
 * Keys are the camelCase names of the flags (`modelType`, `maxSteps`, …) plus `modelOptions`,
 * `executorOptions` and `envFile`; an unknown key is a usage error, so a typo does not go unseen.
 *
 * @example
 * // smol.config.json: { "modelType": "OpenAIModel", "modelId": "gpt-4o", "tools": ["web_search"] }
 * const config = readConfigFile(undefined, process.cwd());
 */
export function readConfigFile(explicitPath: string | undefined, directory: string): ConfigFile | undefined {
  const path = resolve(directory, explicitPath ?? CONFIG_FILE_NAME);
  if (!existsSync(path)) {
    if (explicitPath !== undefined) throw new CliUsageError(`--config: no file at ${path}.`);
    return undefined;
  }
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CliUsageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const source = (key: string) => `${path}: ${key}`;
  const object = record(content, path);
  let settings: Partial<AgentSettings> = {};
  let envFile: string | undefined;
  for (const [key, value] of Object.entries(object)) {
    if (key === "$schema") continue;
    if (key === "envFile") {
      envFile = text(value, source(key));
      continue;
    }
    const reader = keyReaders[key];
    if (!reader) {
      const known = [...Object.keys(keyReaders), "envFile"].join(", ");
      throw new CliUsageError(`${path}: unknown key "${key}"; the keys are ${known}.`);
    }
    settings = { ...settings, ...reader(value, source(key)) };
  }
  return { path, settings, envFile };
}
