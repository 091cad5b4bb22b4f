import { AgentInterruptedError, ApprovalNotFoundError } from "../errors.js";
import { untilAborted } from "../executors/abortable.js";
import type { Tool } from "../tools/tool.js";
import type { NeedsApproval } from "../tools/types.js";
import { bindArguments } from "../tools/validate-arguments.js";
import type { AgentContext } from "./agent-context.js";

/**
 * A tool call waiting for a human's decision, as the `approval-request` event and `onApproval`
 * give it. Plain data (JSON-safe when the arguments are), so that it can be shown, stored or
 * sent elsewhere before the answer comes back through `session.approve` / `session.reject`.
 */
export interface ApprovalRequest {
  /** What `session.approve(approvalId)` and `session.reject(approvalId)` name. */
  approvalId: string;
  toolName: string;
  /** The call's arguments by name, validated, as the tool would receive them. */
  arguments: Record<string, unknown>;
  /** The model's id of the call (ToolCallingAgent); calls made from a CodeAgent's code have none. */
  toolCallId?: string;
}

/**
 * A decision with its reason: `{ approved: false, reason }` rejects the call and the model reads
 * the reason, as with `session.reject(id, reason)`.
 */
export interface ApprovalAnswer {
  approved: boolean;
  reason?: string;
}

/**
 * The run option that decides approvals: `true` runs the call, `false` rejects it (the model
 * reads that the user rejected it), `{ approved: false, reason }` rejects it with the reason.
 * It may take as long as the human does: the run waits.
 */
export type ApprovalHandler = (
  request: ApprovalRequest,
) => boolean | ApprovalAnswer | Promise<boolean | ApprovalAnswer>;

/** What became of a call that needed approval. */
export type ApprovalDecision = { approved: true } | { approved: false; approvalId: string; reason: string };

/** The reason given to the model when `onApproval` answers `false` or `reject` gives none. */
export const DEFAULT_REJECTION_REASON = "The user rejected this call.";

/**
 * The reason given when a call needs approval in a run that has no one to ask: not streamed and
 * without `onApproval`. Rejecting (rather than waiting) keeps such a run from hanging unseen.
 */
export const NO_APPROVER_REASON =
  "This tool needs a human's approval, and nobody can be asked in this run, so the call was not run. " +
  "Do without this tool, or say in your final answer that it needs approval.";

interface PendingApproval {
  readonly request: ApprovalRequest;
  settle(decision: ApprovalDecision): void;
  fail(error: unknown): void;
}

/**
 * The approvals a session is waiting for, by id. `approve` and `reject` settle one; `cancelAll`
 * frees every waiting call (an interrupt, the end of the run) with an error.
 */
export class PendingApprovals {
  readonly #pending = new Map<string, PendingApproval>();

  /** The requests waiting for a decision, oldest first. */
  get requests(): ApprovalRequest[] {
    return [...this.#pending.values()].map((pending) => pending.request);
  }

  /** Registers a request; resolves to its decision, or rejects when it is cancelled. */
  open(request: ApprovalRequest): Promise<ApprovalDecision> {
    return new Promise<ApprovalDecision>((resolve, reject) => {
      const done = () => this.#pending.delete(request.approvalId);
      this.#pending.set(request.approvalId, {
        request,
        settle: (decision) => {
          done();
          resolve(decision);
        },
        fail: (error) => {
          done();
          reject(error);
        },
      });
    });
  }

  approve(approvalId: string): void {
    this.#take(approvalId).settle({ approved: true });
  }

  reject(approvalId: string, reason?: string): void {
    const text = reason?.trim();
    this.#take(approvalId).settle({
      approved: false,
      approvalId,
      reason: text ? text : DEFAULT_REJECTION_REASON,
    });
  }

  /** Settles one request if it still waits (the first decision wins); false when it did not. */
  settle(approvalId: string, decision: ApprovalDecision): boolean {
    const pending = this.#pending.get(approvalId);
    pending?.settle(decision);
    return pending !== undefined;
  }

  /** Fails one request if it still waits. */
  fail(approvalId: string, error: unknown): void {
    this.#pending.get(approvalId)?.fail(error);
  }

  /** Fails every waiting request with `error` (they are cancelled, none of their calls runs). */
  cancelAll(error: unknown): void {
    for (const pending of [...this.#pending.values()]) pending.fail(error);
  }

  #take(approvalId: string): PendingApproval {
    const pending = typeof approvalId === "string" ? this.#pending.get(approvalId) : undefined;
    if (!pending) {
      throw new ApprovalNotFoundError(
        `No tool call is waiting for the approval ${JSON.stringify(String(approvalId))} in this session: ` +
          "the id is unknown, or the call was already approved, rejected or cancelled.",
        String(approvalId),
      );
    }
    return pending;
  }
}

/** How the run under way decides approvals (set by the agent for the length of a run). */
export interface RunApprover {
  /** The run option `onApproval`. */
  onApproval?: ApprovalHandler;
  /** A streamed run waits for `approve` / `reject` from the reader of its events. */
  streaming: boolean;
  signal?: AbortSignal;
}

/** The `approval-request` event, as a step yields it. */
export type ApprovalRequestEvent = { type: "approval-request" } & ApprovalRequest;

/** The error waiting calls are cancelled with when the run is interrupted or ends. */
export function approvalInterruptedError(): AgentInterruptedError {
  return new AgentInterruptedError("The run was interrupted while a tool call was waiting for approval.");
}

/**
 * Decides one tool call: whether it needs approval (the tool's `needsApproval`, called with the
 * arguments by name and the run's context), and if so announces the request and waits for the
 * decision: `onApproval`'s answer, or `session.approve` / `session.reject` in a streamed run, or
 * at once a rejection when nobody can be asked. Rejects (the call must not run, and the run
 * ends) when the wait is cancelled (`AgentInterruptedError`) or `onApproval` fails.
 */
export async function decideApproval(options: {
  tool: Tool;
  /** The arguments as the tool's `call` takes them (by name or by position). */
  args: Record<string, unknown> | unknown[];
  toolCallId?: string;
  context: AgentContext;
  pending: PendingApprovals;
  approver: RunApprover | undefined;
  /** Shows the request to the run's readers; resolves once it is published. */
  announce: (event: ApprovalRequestEvent) => Promise<void> | void;
}): Promise<ApprovalDecision> {
  const { tool, context, pending, approver } = options;
  const needsApproval = tool.needsApproval as NeedsApproval | undefined;
  if (needsApproval === undefined || needsApproval === false) return { approved: true };
  const args = namedArguments(tool, options.args);
  // Arguments the tool would refuse are not put before a human: the call fails on them anyway.
  if (!args) return { approved: true };
  if (typeof needsApproval === "function" && !(await needsApproval(args, context))) return { approved: true };

  const request: ApprovalRequest = {
    approvalId: globalThis.crypto.randomUUID(),
    toolName: tool.name,
    arguments: args,
    ...(options.toolCallId === undefined ? {} : { toolCallId: options.toolCallId }),
  };
  const decision = pending.open(request);
  // Observed below or by whoever settles it; this keeps a cancellation from being unhandled meanwhile.
  decision.catch(() => {});
  await options.announce({ type: "approval-request", ...request });
  const { approvalId } = request;
  if (approver?.onApproval) {
    const handler = approver.onApproval;
    Promise.resolve()
      .then(() => handler(request))
      .then(
        (answer) => pending.settle(approvalId, decisionOf(answer, approvalId)),
        (error: unknown) => pending.fail(approvalId, error),
      );
  } else if (!approver?.streaming) {
    pending.settle(approvalId, { approved: false, approvalId, reason: NO_APPROVER_REASON });
  }
  try {
    return await untilAborted(decision, approver?.signal);
  } finally {
    // Aborted: the request must not stay listed as waiting.
    pending.fail(approvalId, approvalInterruptedError());
  }
}

/** `onApproval`'s answer as a decision: a falsy answer, or an object without `approved: true`, rejects. */
function decisionOf(answer: boolean | ApprovalAnswer | undefined, approvalId: string): ApprovalDecision {
  const approved = typeof answer === "object" && answer !== null ? answer.approved === true : Boolean(answer);
  if (approved) return { approved: true };
  const reason = typeof answer === "object" && answer !== null ? answer.reason?.trim() : undefined;
  return { approved: false, approvalId, reason: reason ? reason : DEFAULT_REJECTION_REASON };
}

/** The arguments by name, as `Tool.call` would validate them; undefined when they are invalid. */
function namedArguments(
  tool: Tool,
  args: Record<string, unknown> | unknown[],
): Record<string, unknown> | undefined {
  const named = Array.isArray(args) ? bindArguments(tool, args) : { ok: true as const, value: args };
  if (!named.ok) return undefined;
  const validated = tool.validateArguments(named.value);
  return validated.ok ? validated.value : undefined;
}

/** What the model reads when a call was rejected. */
export function rejectionMessage(toolName: string, reason: string): string {
  return `The call of tool '${toolName}' was not run: it needed approval and was rejected. Reason: ${reason}`;
}
