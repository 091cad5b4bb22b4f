import { z } from "zod";
import { SessionSnapshotError } from "../errors.js";
import type { UncarriedVariable } from "../executors/python-executor.js";
import {
  fromWireValue,
  MalformedValueError,
  toWireValue,
  type WireValue,
} from "../executors/tagged-values.js";
import type { AgentMemoryStep } from "../memory/agent-memory.js";
import { type MemorySnapshot, memoryFromSnapshot } from "../memory/memory-snapshot.js";
import type { SystemPromptStep } from "../memory/steps.js";
import { isValidIdentifier } from "../tools/python-names.js";

/** The version of the snapshots `session.toJSON()` writes; a snapshot of another is refused. */
export const SESSION_SNAPSHOT_VERSION = 1;

/**
 * A CodeAgent session's Python variables in a snapshot: the values in the runtime's wire
 * encoding (defined again as they were: a tuple stays a tuple), and the names that could not
 * be carried (modules, functions, classes, open files, …) with the reason.
 */
export interface SavedPythonVariables {
  variables: Record<string, WireValue>;
  uncarried: UncarriedVariable[];
  /** Names not carried beyond the ones listed (the runtime lists at most 1,000). */
  omitted: number;
  /** Set when the variables could not be read at all (the executor cannot, or its runtime failed). */
  error?: string;
}

/**
 * What `session.toJSON()` gives: everything a session needs to continue in another process,
 * as JSON. `agent.session({ restore: snapshot })` reads it back.
 */
export interface SessionSnapshot {
  format: "smol-session";
  version: typeof SESSION_SNAPSHOT_VERSION;
  sessionId: string;
  /** The agent it was taken from (for the reader; a snapshot restores into any agent). */
  agent: { class: string; name?: string };
  runCount: number;
  stepNumber: number;
  task?: string;
  /** `session.state`, each value in the wire encoding. */
  state: Record<string, WireValue>;
  memory: MemorySnapshot;
  /** A CodeAgent's Python variables as of the end of its last run. */
  python?: SavedPythonVariables;
}

/** A snapshot read back: the memory as steps, the state as values. */
export interface RestoredSession {
  sessionId: string;
  runCount: number;
  stepNumber: number;
  task: string | undefined;
  state: Record<string, unknown>;
  systemPrompt: SystemPromptStep;
  steps: AgentMemoryStep[];
  python: SavedPythonVariables | undefined;
}

/** The state as JSON-safe data: each value in the wire encoding. */
export function stateToWire(state: Record<string, unknown>): Record<string, WireValue> {
  return Object.fromEntries(Object.entries(state).map(([key, value]) => [key, toWireValue(value)]));
}

const uncarriedSchema = z.object({ name: z.string(), pythonType: z.string(), reason: z.string() });

const snapshotSchema = z.object({
  format: z.literal("smol-session"),
  version: z.literal(SESSION_SNAPSHOT_VERSION),
  sessionId: z.string().min(1),
  agent: z.object({ class: z.string(), name: z.string().optional() }),
  runCount: z.number().int().nonnegative(),
  stepNumber: z.number().int().nonnegative(),
  task: z.string().optional(),
  state: z.record(z.string(), z.unknown()),
  memory: z.unknown(),
  python: z
    .object({
      variables: z.record(z.string(), z.unknown()),
      uncarried: z.array(uncarriedSchema),
      omitted: z.number().int().nonnegative(),
      error: z.string().optional(),
    })
    .optional(),
});

/**
 * Reads a snapshot (the object `session.toJSON()` gave, or its JSON text). Throws
 * `SessionSnapshotError` when it is not one, is of another version, or holds a malformed value.
 */
export function readSessionSnapshot(input: unknown): RestoredSession {
  let data = input;
  if (typeof input === "string") {
    try {
      data = JSON.parse(input);
    } catch (error) {
      throw new SessionSnapshotError(`The session snapshot is not valid JSON: ${(error as Error).message}`);
    }
  }
  const head = data as { format?: unknown; version?: unknown } | null;
  if (typeof head !== "object" || head === null || head.format !== "smol-session") {
    throw new SessionSnapshotError(
      'This is not a session snapshot: session.toJSON() writes an object with format "smol-session".',
    );
  }
  if (head.version !== SESSION_SNAPSHOT_VERSION) {
    throw new SessionSnapshotError(
      `The session snapshot is of version ${JSON.stringify(head.version)}; this version of smol reads version ` +
        `${SESSION_SNAPSHOT_VERSION} only.`,
    );
  }
  const parsed = snapshotSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
    throw new SessionSnapshotError(
      `The session snapshot is not of the shape session.toJSON() writes${path}: ${issue?.message ?? "invalid"}`,
    );
  }
  const snapshot = parsed.data;
  const state = Object.fromEntries(
    Object.entries(snapshot.state).map(([key, value]) => [key, decoded(value, `state value "${key}"`)]),
  );
  if (snapshot.python) {
    // Checked now, kept encoded: sent to the runtime as they are, so they come back unchanged.
    for (const [name, value] of Object.entries(snapshot.python.variables)) {
      if (!isValidIdentifier(name))
        throw new SessionSnapshotError(
          `The session snapshot's Python variable ${JSON.stringify(name)} is not a valid name.`,
        );
      decoded(value, `Python variable "${name}"`);
    }
  }
  const memory = memoryFromSnapshot(snapshot.memory);
  return {
    sessionId: snapshot.sessionId,
    runCount: snapshot.runCount,
    stepNumber: snapshot.stepNumber,
    task: snapshot.task,
    state,
    systemPrompt: memory.systemPrompt,
    steps: memory.steps,
    python: snapshot.python as SavedPythonVariables | undefined,
  };
}

function decoded(value: unknown, what: string): unknown {
  try {
    return fromWireValue(value);
  } catch (error) {
    if (error instanceof MalformedValueError)
      throw new SessionSnapshotError(`The session snapshot's ${what} is malformed: ${error.message}`);
    throw error;
  }
}
