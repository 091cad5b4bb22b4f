import { AgentInterruptedError } from "@smol/core";
import type { RunOutcome } from "../agents/run-task.js";
import { describeError, type ErrorContext } from "./describe-error.js";

/** What `--output json` prints on stdout: one JSON document per command. */
export interface RunSummary {
  status: "answered" | "failed" | "interrupted";
  /** The final answer (JSON as the agent returned it). */
  output?: unknown;
  /** `max_steps_error` when the answer was written from memory after the last step. */
  state?: "success" | "max_steps_error";
  steps: number;
  tokenUsage?: { inputTokens: number; outputTokens: number };
  durationSeconds: number;
  model?: { type: string; id?: string };
  actionType?: string;
  error?: { type: string; message: string };
}

/**
 * The JSON summary of a run, or of a command that failed before its run started (no outcome).
 *
 * @example
 * JSON.stringify(runSummary({ outcome, model: { type: "OpenAIModel", id: "gpt-4o" }, actionType: "code" }));
 */
export function runSummary(parts: {
  outcome?: RunOutcome;
  error?: unknown;
  model?: RunSummary["model"];
  actionType?: string;
  errorContext?: ErrorContext;
}): RunSummary {
  const { outcome } = parts;
  const error = outcome?.error ?? parts.error;
  const interrupted = outcome?.status === "interrupted" || AgentInterruptedError.isInstance(error);
  return {
    status: outcome?.status ?? (interrupted ? "interrupted" : "failed"),
    output: outcome?.status === "answered" ? outcome.output : undefined,
    state: outcome?.state,
    steps: outcome?.steps ?? 0,
    tokenUsage: outcome?.tokenUsage,
    durationSeconds: Math.round((outcome?.durationSeconds ?? 0) * 1000) / 1000,
    model: parts.model,
    actionType: parts.actionType,
    error:
      error === undefined
        ? undefined
        : {
            type: error instanceof Error ? error.name : typeof error,
            message: describeError(error, parts.errorContext),
          },
  };
}

/** JSON with binary values as base64 and big integers as strings, so any answer prints. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, entry: unknown) => {
      if (typeof entry === "bigint") return entry.toString();
      if (entry instanceof Uint8Array) return { base64: Buffer.from(entry).toString("base64") };
      return entry;
    },
    2,
  );
}
