import { EXECUTOR_PACKAGES, type ExecutorType, LogLevel } from "@smol/core";
import { CliUsageError } from "../errors.js";

export type ActionType = "code" | "tool_calling";
export type OutputFormat = "text" | "json";

export const ACTION_TYPES: readonly ActionType[] = ["code", "tool_calling"];
export const EXECUTOR_TYPES = Object.keys(EXECUTOR_PACKAGES) as ExecutorType[];

/** Everything a run of `smolagent` is made of, once flags, config file and defaults are merged. */
export interface AgentSettings {
  actionType: ActionType;
  /** A model class name (`OpenAIModel`); undefined: resolved from the environment. */
  modelType?: string;
  modelId?: string;
  /** Inference provider (InferenceClientModel), e.g. `together`. */
  provider?: string;
  apiBase?: string;
  apiKey?: string;
  /** Extra modules the code may import (`numpy`, `pandas.*`). */
  imports: string[];
  /** Tool specifications as written: toolkit names and `mcp:` servers (see `parseToolSpecs`). */
  tools: string[];
  executor: ExecutorType;
  maxSteps: number;
  verbosityLevel: LogLevel;
  stream: boolean;
  output: OutputFormat;
  /** Extra options for the model class (`temperature`, `maxRetries`, …), from the config file. */
  modelOptions: Record<string, unknown>;
  /** Extra options for the executor (`timeoutSeconds`, `image`, …), from the config file. */
  executorOptions: Record<string, unknown>;
}

export const DEFAULT_SETTINGS: AgentSettings = {
  actionType: "code",
  imports: [],
  tools: [],
  executor: "local",
  maxSteps: 20,
  verbosityLevel: LogLevel.INFO,
  stream: true,
  output: "text",
  modelOptions: {},
  executorOptions: {},
};

/** Later sources win; a key that a source leaves undefined keeps the earlier value. */
export function mergeSettings(...sources: Partial<AgentSettings>[]): AgentSettings {
  const merged: AgentSettings = { ...DEFAULT_SETTINGS };
  for (const source of sources) {
    for (const [key, value] of Object.entries(source)) {
      if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
    }
  }
  return merged;
}

export function parseActionType(value: string, source: string): ActionType {
  const normalized = value.trim().toLowerCase().replace("-", "_");
  if ((ACTION_TYPES as readonly string[]).includes(normalized)) return normalized as ActionType;
  throw new CliUsageError(`${source}: unknown action type "${value}"; use code or tool_calling.`);
}

export function parseExecutorType(value: string, source: string): ExecutorType {
  const normalized = value.trim().toLowerCase();
  if ((EXECUTOR_TYPES as string[]).includes(normalized)) return normalized as ExecutorType;
  throw new CliUsageError(`${source}: unknown executor "${value}"; use one of ${EXECUTOR_TYPES.join(", ")}.`);
}

const verbosityNames: Record<string, LogLevel> = {
  off: LogLevel.OFF,
  error: LogLevel.ERROR,
  info: LogLevel.INFO,
  debug: LogLevel.DEBUG,
};

/** `off`, `error`, `info`, `debug`, or their numbers -1, 0, 1, 2. */
export function parseVerbosityLevel(value: string | number, source: string): LogLevel {
  const text = String(value).trim().toLowerCase();
  if (text in verbosityNames) return verbosityNames[text]!;
  const number = Number(text);
  if (text !== "" && Number.isInteger(number) && number >= LogLevel.OFF && number <= LogLevel.DEBUG) {
    return number as LogLevel;
  }
  throw new CliUsageError(
    `${source}: unknown verbosity level "${value}"; use off, error, info or debug (or -1 to 2).`,
  );
}

export function parseMaxSteps(value: string | number, source: string): number {
  const number = Number(value);
  if (Number.isInteger(number) && number >= 1 && number <= 1000) return number;
  throw new CliUsageError(`${source}: max steps must be a whole number from 1 to 1000, not "${value}".`);
}

export function parseOutputFormat(value: string, source: string): OutputFormat {
  const normalized = value.trim().toLowerCase();
  if (normalized === "text" || normalized === "json") return normalized;
  throw new CliUsageError(`${source}: unknown output format "${value}"; use text or json.`);
}

const importPattern = /^(\*|[A-Za-z_]\w*(\.[A-Za-z_]\w*)*(\.\*)?)$/;

/**
 * Module names separated by spaces or commas, as in `--imports "pandas numpy"`; a list is
 * accepted from the config file.
 *
 * @example
 * parseImports("pandas numpy.*", "--imports"); // ["pandas", "numpy.*"]
 */
export function parseImports(value: string | readonly string[], source: string): string[] {
  const entries = (typeof value === "string" ? [value] : value).flatMap((part) =>
    String(part)
      .split(/[\s,]+/)
      .filter((entry) => entry !== ""),
  );
  for (const entry of entries) {
    if (!importPattern.test(entry)) {
      throw new CliUsageError(
        `${source}: "${entry}" is not a module name; write names such as "numpy", "pandas.*" or "*" for every module.`,
      );
    }
  }
  return [...new Set(entries)];
}

/** The level's name, for messages and for the equivalent command line. */
export function verbosityName(level: LogLevel): string {
  return Object.entries(verbosityNames).find(([, value]) => value === level)?.[0] ?? String(level);
}
