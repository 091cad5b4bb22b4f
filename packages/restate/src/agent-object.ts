import * as restate from "@restatedev/restate-sdk";
import {
  AgentInterruptedError,
  type ApprovalAnswer,
  type ApprovalRequest,
  type MultiStepAgent,
  type RunResult,
} from "@smol/core";
import { makeAgentDurable } from "./durable-agent.js";
import { EVENT_COUNT, EventLog, eventKey, type StoredEvent } from "./event-log.js";
import { toJsonSafe } from "./json-safe.js";

/** What `run` takes: the task, and the run options that are data. */
export interface DurableRunInput {
  task: string;
  maxSteps?: number;
  additionalArgs?: Record<string, unknown>;
}

/** A `RunResult` as stored with the session: plain JSON (the error as `{ name, message }`). */
export type StoredRunResult = Omit<RunResult, "timing" | "error"> & {
  timing: { startTime: number; endTime?: number };
  error?: { name: string; message: string };
};

/** An approval the run waits for: the `ApprovalRequest`, and the awakeable that answers it. */
export interface PendingApproval extends ApprovalRequest {
  awakeableId: string;
}

export type DurableSessionStatus =
  | "idle"
  | "running"
  | "waiting-for-approval"
  | "done"
  | "failed"
  | "interrupted";

/** What the `state` handler returns. */
export interface DurableSessionState {
  status: DurableSessionStatus;
  /** The pending approvals, oldest first. */
  approvals: PendingApproval[];
  /** The result of the last run that ended, or null. */
  result: StoredRunResult | null;
  /** How many events the session has stored (over all its runs). */
  eventCount: number;
}

export interface ApprovalDecisionInput {
  approvalId: string;
  /** What the model reads after a rejection. */
  reason?: string;
}

export interface AgentObjectOptions {
  /** The virtual object's name (one per agent kind); sessions are its keys. */
  name: string;
  /**
   * Builds the agent of one run. Called at the start of every invocation attempt, replays
   * included: return a new agent each time, built the same way (its model, its tools and a
   * CodeAgent's `executor` become journaled steps). Give a CodeAgent its `executor` here so
   * that its code outputs are journaled too.
   */
  agent: (session: { sessionId: string }) => MultiStepAgent<any> | Promise<MultiStepAgent<any>>;
  /** Restate's options for the object (timeouts, retry policy, retention). */
  objectOptions?: restate.ObjectOptions;
}

const STATUS = "status";
const RESULT = "result";
const APPROVALS = "approvals";
const INVOCATION = "invocation";
/** The most events one `events` call returns. */
const EVENT_PAGE = 200;

type Decision = { approved: boolean; reason?: string };

/**
 * A Restate virtual object that runs an agent, one session per key: `run` is exclusive (one run
 * at a time per session; any number of sessions in parallel), the other handlers are shared and
 * answer while a run goes on or waits for an approval.
 */
export function agentObject(options: AgentObjectOptions) {
  return restate.object({
    name: options.name,
    options: options.objectOptions,
    handlers: {
      run: async (ctx: restate.ObjectContext, input: DurableRunInput): Promise<StoredRunResult> => {
        if (typeof input?.task !== "string") throw new restate.TerminalError("run takes { task: string }");
        ctx.set(STATUS, "running");
        ctx.clear(RESULT);
        ctx.set(APPROVALS, []);
        ctx.set(INVOCATION, ctx.request().id);
        const events = new EventLog(ctx, (await ctx.get<number>(EVENT_COUNT)) ?? 0);
        const agent = await options.agent({ sessionId: ctx.key });
        const cleanup = once(() => agent.cleanup());
        // When the attempt ends (a suspension while an approval waits, a lost connection), the
        // sandbox and the rest of the agent are let go: a later attempt builds them again.
        ctx.request().attemptCompletedSignal.addEventListener("abort", () => void cleanup().catch(() => {}));
        const stopListening = agent.onEvent((event) => events.push(event));
        makeAgentDurable(agent, ctx, { beforeStep: () => events.flush() });
        try {
          let outcome: RunResult | { state: "error"; error: unknown; output: undefined; steps: [] };
          try {
            outcome = (await agent.run(input.task, {
              returnFullResult: true,
              maxSteps: input.maxSteps,
              additionalArgs: input.additionalArgs,
              onApproval: async (request: ApprovalRequest) => {
                await events.flush();
                try {
                  return await waitForApproval(ctx, request);
                } catch (error) {
                  // Cancelled by `interrupt` while waiting: the run ends as any interrupted run.
                  if (!(error instanceof restate.CancelledError)) throw error;
                  throw new AgentInterruptedError(
                    "The run was interrupted while it waited for an approval.",
                    {
                      cause: error,
                    },
                  );
                }
              },
            })) as RunResult;
          } catch (error) {
            // A failed or interrupted run is a result too (stored, read by `result`), not an
            // invocation to retry: the run-end event already carries the same result.
            outcome = { state: "error", error, output: undefined, steps: [] };
          }
          stopListening();
          await events.flush();
          // Journaled, so that a replay after the run ended stores the same result.
          const stored = await ctx.run<StoredRunResult>("result", () => toJsonSafe<StoredRunResult>(outcome));
          ctx.set(RESULT, stored);
          ctx.set(APPROVALS, []);
          ctx.set(STATUS, statusOf(stored));
          return stored;
        } finally {
          stopListening();
          await cleanup();
        }
      },

      state: restate.handlers.object.shared(
        async (ctx: restate.ObjectSharedContext): Promise<DurableSessionState> => {
          const approvals = (await ctx.get<PendingApproval[]>(APPROVALS)) ?? [];
          const status = (await ctx.get<DurableSessionStatus>(STATUS)) ?? "idle";
          return {
            status: status === "running" && approvals.length > 0 ? "waiting-for-approval" : status,
            approvals,
            result: (await ctx.get<StoredRunResult>(RESULT)) ?? null,
            eventCount: (await ctx.get<number>(EVENT_COUNT)) ?? 0,
          };
        },
      ),

      /** The stored events from index `after` on (at most 200), for polling while a run goes on. */
      events: restate.handlers.object.shared(
        async (ctx: restate.ObjectSharedContext, input?: { after?: number }): Promise<StoredEvent[]> => {
          const count = (await ctx.get<number>(EVENT_COUNT)) ?? 0;
          const from = Math.max(0, input?.after ?? 0);
          const reads: Promise<StoredEvent | null>[] = [];
          for (let index = from; index < Math.min(count, from + EVENT_PAGE); index++) {
            reads.push(ctx.get<StoredEvent>(eventKey(index)));
          }
          return (await Promise.all(reads)).filter((event): event is StoredEvent => event !== null);
        },
      ),

      result: restate.handlers.object.shared(
        async (ctx: restate.ObjectSharedContext): Promise<StoredRunResult | null> =>
          (await ctx.get<StoredRunResult>(RESULT)) ?? null,
      ),

      approve: restate.handlers.object.shared(
        async (ctx: restate.ObjectSharedContext, input: ApprovalDecisionInput): Promise<void> => {
          const pending = await findApproval(ctx, input);
          ctx.resolveAwakeable<Decision>(pending.awakeableId, { approved: true });
        },
      ),

      reject: restate.handlers.object.shared(
        async (ctx: restate.ObjectSharedContext, input: ApprovalDecisionInput): Promise<void> => {
          const pending = await findApproval(ctx, input);
          ctx.resolveAwakeable<Decision>(pending.awakeableId, { approved: false, reason: input.reason });
        },
      ),

      /**
       * Cancels the running invocation: the step it waits on (a model or tool call, an approval)
       * fails with Restate's cancellation, the agent is interrupted and the run ends `interrupted`
       * (its result says why). Resolves to whether a run was going on.
       */
      interrupt: restate.handlers.object.shared(
        async (ctx: restate.ObjectSharedContext): Promise<boolean> => {
          const invocation = await ctx.get<string>(INVOCATION);
          const status = await ctx.get<string>(STATUS);
          if (!invocation || status !== "running") return false;
          ctx.invocation(restate.InvocationIdParser.fromString(invocation)).cancel();
          return true;
        },
      ),
    },
  });
}

/** The type of the object `agentObject` returns, for typed clients. */
export type AgentObject = ReturnType<typeof agentObject>;

function statusOf(result: StoredRunResult): DurableSessionStatus {
  if (result.state !== "error") return "done";
  return result.error?.name === "AgentInterruptedError" ? "interrupted" : "failed";
}

function once(action: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= action();
    return done;
  };
}

async function findApproval(ctx: restate.ObjectSharedContext, input: ApprovalDecisionInput) {
  const approvals = (await ctx.get<PendingApproval[]>(APPROVALS)) ?? [];
  const pending = approvals.find((approval) => approval.approvalId === input?.approvalId);
  if (!pending)
    throw new restate.TerminalError(`No pending approval ${input?.approvalId}.`, { errorCode: 404 });
  return pending;
}

/**
 * `onApproval` on Restate: an awakeable recorded in the session's state, awaited. While it waits
 * the invocation suspends: no process and no sandbox is held, for as long as it takes.
 */
async function waitForApproval(
  ctx: restate.ObjectContext,
  request: ApprovalRequest,
): Promise<ApprovalAnswer> {
  // The agent makes a new random approval id on every replay: the first one is journaled, so
  // that the id a human was shown (and answers with) stays the id of this call.
  const approvalId = await ctx.run("approval id", () => request.approvalId);
  const awakeable = ctx.awakeable<Decision>();
  const approvals = (await ctx.get<PendingApproval[]>(APPROVALS)) ?? [];
  const pending = { ...toJsonSafe<ApprovalRequest>(request), approvalId, awakeableId: awakeable.id };
  ctx.set(APPROVALS, [...approvals, pending]);
  const decision = await awakeable.promise;
  const left = ((await ctx.get<PendingApproval[]>(APPROVALS)) ?? []).filter(
    (approval) => approval.approvalId !== approvalId,
  );
  ctx.set(APPROVALS, left);
  // A rejection's reason goes on to the model, as `session.reject(id, reason)` would send it.
  return decision.approved === true
    ? { approved: true }
    : { approved: false, ...(decision.reason ? { reason: decision.reason } : {}) };
}
