import {
  AgentInterruptedError,
  MissingPackageError,
  ModelApiError,
  ModelConfigurationError,
  SmolError,
} from "@smol/core";
import { CliUsageError, ExitCode, type ExitCodeValue, NoModelAvailableError } from "../errors.js";
import { networkReason } from "../models/download.js";

/** What the CLI knows about the model, to word errors about it. */
export interface ErrorContext {
  modelType?: string;
  apiBase?: string;
  apiKeyVariable?: string;
  /** No key was given (a server at --api-base got a placeholder). */
  withoutKey?: boolean;
}

/** Errors along the `cause` chain, the error itself first. */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current = error;
  while (current !== undefined && current !== null && chain.length < 8 && !chain.includes(current)) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** The exit code for an error that ended the command. */
export function exitCodeFor(error: unknown): ExitCodeValue {
  if (CliUsageError.isInstance(error)) return ExitCode.usage;
  if (causeChain(error).some((entry) => AgentInterruptedError.isInstance(entry))) return ExitCode.interrupted;
  return ExitCode.failed;
}

/**
 * One clear line for an error that ended the command (a few lines for "no model", which lists
 * the ways to configure one). No stack trace: `describeErrorInDetail` gives it for debug.
 *
 * @example
 * describeError(error, { modelType: "OpenAIModel", apiBase: "http://127.0.0.1:9/v1", apiKeyVariable: "OPENAI_API_KEY" });
 * // "The model server refused the API key (HTTP 401): … Check --api-key or OPENAI_API_KEY."
 */
export function describeError(error: unknown, context: ErrorContext = {}): string {
  const chain = causeChain(error);
  const apiError = chain.find((entry) => ModelApiError.isInstance(entry)) as ModelApiError | undefined;
  if (apiError) return describeModelApiError(apiError, context);
  const known = chain.find(
    (entry) =>
      CliUsageError.isInstance(entry) ||
      NoModelAvailableError.isInstance(entry) ||
      MissingPackageError.isInstance(entry) ||
      ModelConfigurationError.isInstance(entry) ||
      AgentInterruptedError.isInstance(entry),
  ) as Error | undefined;
  if (known) return NoModelAvailableError.isInstance(known) ? known.message : oneLine(known.message);
  if (SmolError.isInstance(error)) return oneLine((error as Error).message);
  if (error instanceof Error) {
    return `${error.name}: ${oneLine(error.message)} (run again with --verbosity-level debug for the stack trace)`;
  }
  return oneLine(String(error));
}

function describeModelApiError(error: ModelApiError, context: ErrorContext): string {
  const where = context.apiBase ? ` at ${context.apiBase}` : "";
  const keyHint = context.apiKeyVariable ? `--api-key or ${context.apiKeyVariable}` : "--api-key";
  // The provider's own hint names its options (`apiKey`); the CLI names its flags instead.
  const detail = oneLine(error.message).replace(/\s*Check `[^`]+`[^.]*\.$/, "");
  switch (error.statusCode) {
    case 401:
    case 403:
      if (context.withoutKey) {
        const setVariable = context.apiKeyVariable ? ` or set ${context.apiKeyVariable}` : "";
        return `The model server${where} wants an API key (HTTP ${error.statusCode}): ${detail} Pass --api-key${setVariable}.`;
      }
      return `The model server${where} refused the API key (HTTP ${error.statusCode}): ${detail} Check ${keyHint}.`;
    case 404:
      return `The model server${where} does not know this model or route (HTTP 404): ${detail} Check --model-id and --api-base.`;
    case undefined: {
      const reason = networkReason(error.cause);
      return `Could not reach the model server${where} (${reason}): ${detail} Is it running, and is --api-base right?`;
    }
    default:
      return `The model server${where} answered HTTP ${error.statusCode}: ${detail}`;
  }
}

/** The error with its stack and causes, for `--verbosity-level debug`. */
export function describeErrorInDetail(error: unknown): string {
  return causeChain(error)
    .map((entry, index) => {
      const text =
        entry instanceof Error ? (entry.stack ?? `${entry.name}: ${entry.message}`) : String(entry);
      return index === 0 ? text : `Caused by: ${text}`;
    })
    .join("\n");
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}
