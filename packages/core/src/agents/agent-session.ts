import { AgentBusyError, AgentError } from "../errors.js";
import type { AgentLogger } from "../logging/agent-logger.js";
import { Monitor } from "../logging/monitor.js";
import { AgentMemory } from "../memory/agent-memory.js";
import { memoryToSnapshot } from "../memory/memory-snapshot.js";
import type { ChatMessage } from "../models/messages.js";
import type { Tool } from "../tools/tool.js";
import type { AgentContext } from "./agent-context.js";
import type { RunOptions, RunResult } from "./agent-options.js";
import {
  type ApprovalRequest,
  approvalInterruptedError,
  PendingApprovals,
  type RunApprover,
} from "./approvals.js";
import type { RunEvent } from "./events.js";
import {
  type RestoredSession,
  type SavedPythonVariables,
  SESSION_SNAPSHOT_VERSION,
  type SessionSnapshot,
  stateToWire,
} from "./session-snapshot.js";

/** Options of `agent.session()`. */
export interface SessionOptions {
  /** The session's id, as events and `session.id` show it. A random UUID by default (the snapshot's with `restore`). */
  id?: string;
  /**
   * Continues a session saved with `session.toJSON()` (the object, or its JSON text), in this
   * process or another: its memory, state and counters, and for a CodeAgent its Python
   * variables, defined again before the first run. Run with `reset: false` to continue the
   * conversation. A snapshot of another version, or a broken one, throws `SessionSnapshotError`.
   */
  restore?: SessionSnapshot | string;
}

/**
 * What a session needs of its agent. The agent gives it a private object of this shape, so
 * that this module does not import the agent class (and the agent keeps its run loop private).
 */
export interface SessionHost {
  readonly name: string | undefined;
  /** The agent's class name, written in snapshots. */
  readonly agentClass: string;
  readonly tools: Readonly<Record<string, Tool>>;
  readonly model: { modelId: string };
  readonly logger: AgentLogger;
  run(session: AgentSession, task: string, options: RunOptions): Promise<unknown> | AsyncIterable<RunEvent>;
  /** Frees what the agent keeps for this session (a CodeAgent's executor, managed sessions). */
  release(session: AgentSession): Promise<void>;
}

/** What the run loop keeps on a session between and during runs; not part of the public API. */
interface SessionRunState {
  running: boolean;
  interruptRequested: boolean;
  closed: boolean;
  /** Sessions of managed agents that run for this session, by managed agent name. */
  readonly children: Map<string, AgentSession>;
  /** A CodeAgent's Python variables as of the end of its last run (or as restored), for snapshots. */
  python?: SavedPythonVariables;
  /** Restored Python variables not sent to an executor yet (sent before the first run's code). */
  pendingPython?: SavedPythonVariables;
  /** The tool calls waiting for approval. */
  readonly approvals: PendingApprovals;
  /** How the run under way decides approvals; unset between runs. */
  approver?: RunApprover;
}

const runStates = new WeakMap<AgentSession, SessionRunState>();

/** The run loop's bookkeeping of a session (for the agent classes only). */
export function sessionRunState(session: AgentSession): SessionRunState {
  return runStates.get(session)!;
}

/**
 * One conversation with an agent: its own memory, state, step and run counters, token totals
 * and, for a CodeAgent, its own executor (its own Python variables). The agent holds the
 * configuration (model, tools, prompts); `agent.run()` runs in the agent's default session,
 * and `agent.session()` opens another. Sessions of one agent run concurrently and never see
 * each other's memory, state or variables; one session runs one task at a time (a second
 * `run` rejects with `AgentBusyError`).
 *
 * @example
 * await using session = agent.session();
 * await session.run("Remember the number 7.");
 * await session.run("Which number did I give you?", { reset: false });
 */
export class AgentSession<Output = unknown> implements AgentContext, AsyncDisposable {
  readonly id: string;
  readonly memory = new AgentMemory();
  /** Values shared across steps: `additionalArgs`, stored images; tools can read them by key. */
  state: Record<string, unknown> = {};
  /** The number of the step running (1-based), or of the last one once the run ended. */
  stepNumber = 0;
  /** The task of the current (or last) run, with the mention of its additional arguments. */
  task: string | undefined;
  /** How many runs this session started. */
  runCount = 0;
  /** Step durations and token totals of the session since its memory was last reset. */
  readonly monitor: Monitor;
  /** The narrow view of this session that checks and callbacks receive. */
  readonly context: AgentContext;
  readonly #host: SessionHost;

  /** `restored` is a snapshot already read (`readSessionSnapshot`): the agent checks it first. */
  constructor(host: SessionHost, options: SessionOptions = {}, restored?: RestoredSession) {
    this.#host = host;
    // The global Web Crypto (Node 20, browsers): core does not tie itself to node: modules here.
    this.id = options.id ?? restored?.sessionId ?? globalThis.crypto.randomUUID();
    this.monitor = new Monitor(host.model, host.logger);
    runStates.set(this, {
      running: false,
      interruptRequested: false,
      closed: false,
      children: new Map(),
      approvals: new PendingApprovals(),
    });
    if (restored) this.#restore(restored);
    const session = this;
    this.context = Object.freeze({
      get name() {
        return session.name;
      },
      get tools() {
        return session.tools;
      },
      get task() {
        return session.task;
      },
      get stepNumber() {
        return session.stepNumber;
      },
      get memory() {
        return session.memory;
      },
      get state() {
        return session.state;
      },
      interrupt: () => session.interrupt(),
    });
  }

  #restore(restored: RestoredSession): void {
    this.memory.systemPrompt = restored.systemPrompt;
    this.memory.steps.push(...restored.steps);
    this.state = restored.state;
    this.stepNumber = restored.stepNumber;
    this.task = restored.task;
    this.runCount = restored.runCount;
    // The token totals and durations cover the session since its memory was reset: the
    // restored steps count, as they did before the save (no footer is printed for them).
    for (const step of restored.steps) {
      if (step.type === "task") continue;
      const duration = step.timing.duration;
      this.monitor.stepDurations.push(duration !== undefined && Number.isFinite(duration) ? duration : 0);
      this.monitor.usage.add(step.tokenUsage);
    }
    const runState = sessionRunState(this);
    runState.python = restored.python;
    runState.pendingPython = restored.python;
  }

  /**
   * A versioned, JSON-safe snapshot of the session, for `agent.session({ restore })` here or in
   * another process: every memory step (images and bytes as base64), the state, the counters,
   * and for a CodeAgent the Python variables as of the end of its last run, with the names that
   * could not be carried (modules, functions, classes, open files) listed. `JSON.stringify(session)`
   * calls it. Throws `AgentBusyError` during a run: a snapshot is taken between runs.
   */
  toJSON(): SessionSnapshot {
    const runState = sessionRunState(this);
    if (runState.running) {
      throw new AgentBusyError(
        `The session ${this.id} is running a task: take its snapshot once the run has ended.`,
        this.id,
      );
    }
    const snapshot: SessionSnapshot = {
      format: "smol-session",
      version: SESSION_SNAPSHOT_VERSION,
      sessionId: this.id,
      agent: { class: this.#host.agentClass, ...(this.name === undefined ? {} : { name: this.name }) },
      runCount: this.runCount,
      stepNumber: this.stepNumber,
      ...(this.task === undefined ? {} : { task: this.task }),
      state: stateToWire(this.state),
      memory: memoryToSnapshot(this.memory),
    };
    if (runState.python) snapshot.python = structuredClone(runState.python);
    return snapshot;
  }

  /** The agent's name. */
  get name(): string | undefined {
    return this.#host.name;
  }

  /** The agent's tools by name. */
  get tools(): Readonly<Record<string, Tool>> {
    return this.#host.tools;
  }

  /** Whether a run of this session is under way. */
  get isRunning(): boolean {
    return sessionRunState(this).running;
  }

  /** Whether `close()` was called; a closed session cannot run. */
  get isClosed(): boolean {
    return sessionRunState(this).closed;
  }

  /**
   * Runs the agent on a task in this session, as `agent.run` does in the default session:
   * resolves to the final answer (or a `RunResult` with `returnFullResult`); with
   * `stream: true`, returns the run's events instead.
   */
  run(task: string, options: RunOptions & { stream: true }): AsyncIterable<RunEvent>;
  run(
    task: string,
    options: RunOptions & { stream?: false; returnFullResult: true },
  ): Promise<RunResult<Output>>;
  run(task: string, options?: RunOptions & { stream?: false }): Promise<Output>;
  run(task: string, options: RunOptions): Promise<unknown> | AsyncIterable<RunEvent>;
  run(task: string, options: RunOptions = {}): Promise<unknown> | AsyncIterable<RunEvent> {
    return this.#host.run(this, task, options);
  }

  /** The memory as chat messages, as the model reads it. */
  writeMemoryToMessages(summaryMode = false): ChatMessage[] {
    return this.memory.toMessages(summaryMode);
  }

  /**
   * Stops this session's run at the end of its current step; it then rejects with
   * `AgentInterruptedError`. A tool call waiting for approval is cancelled (it does not run), and
   * the run ends at once.
   */
  interrupt(): void {
    const runState = sessionRunState(this);
    runState.interruptRequested = true;
    runState.approvals.cancelAll(approvalInterruptedError());
  }

  /**
   * Runs a tool call that waits for approval (its `approval-request` event gave the id); the run
   * goes on. Throws `ApprovalNotFoundError` when no call waits for this id (unknown, or already
   * approved, rejected or cancelled).
   */
  approve(approvalId: string): void {
    sessionRunState(this).approvals.approve(approvalId);
  }

  /**
   * Rejects a tool call that waits for approval: it does not run, and the model reads that the
   * user rejected it, with `reason` when given; the run goes on. Throws `ApprovalNotFoundError`
   * as `approve` does.
   */
  reject(approvalId: string, reason?: string): void {
    sessionRunState(this).approvals.reject(approvalId, reason);
  }

  /** The tool calls of the run under way that wait for approval, oldest first. */
  get pendingApprovals(): ApprovalRequest[] {
    return sessionRunState(this).approvals.requests;
  }

  /**
   * The session of a managed agent that runs for this session, opened at its first call and
   * closed with this session.
   */
  childSession(key: string, open: () => AgentSession): AgentSession {
    const { children } = sessionRunState(this);
    let child = children.get(key);
    if (!child) {
      child = open();
      children.set(key, child);
    }
    return child;
  }

  /**
   * Ends the session: a run under way is interrupted, its executor (CodeAgent) is stopped and
   * the sessions of its managed agents are closed. Safe to call twice.
   */
  async close(): Promise<void> {
    const runState = sessionRunState(this);
    if (runState.closed) return;
    runState.closed = true;
    if (runState.running) this.interrupt();
    await this.#host.release(this);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** The error a run of a closed session rejects with. */
export function closedSessionError(session: AgentSession): AgentError {
  return new AgentError(`The session ${session.id} is closed; open another with agent.session().`);
}
