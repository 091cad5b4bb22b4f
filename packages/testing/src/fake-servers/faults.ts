import { seededRandom } from "./seeded-random.js";

/** The failures a fake provider server can inject into one request. */
export type FaultKind =
  | "rate-limit"
  | "server-error"
  | "drop-connection"
  | "truncate-stream"
  | "malformed-tool-call";

export type Fault =
  /** 429 with `Retry-After` (seconds, default 0) and, when given, OpenAI's `retry-after-ms`. */
  | { kind: "rate-limit"; retryAfterSeconds?: number | string; retryAfterMs?: number }
  /** A 5xx (default 500) with an error body. */
  | { kind: "server-error"; status?: number }
  /** The socket is destroyed as soon as the request is read: no response at all. */
  | { kind: "drop-connection" }
  /**
   * The response stops after `afterChunks` SSE events (default 2: the role chunk and the first
   * piece of text) without `[DONE]`; the socket is destroyed, or the response ended cleanly
   * when `endCleanly`. A non-streaming response is cut halfway through its JSON.
   */
  | { kind: "truncate-stream"; afterChunks?: number; endCleanly?: boolean }
  /** The reply's tool calls get broken JSON arguments; a reply without one gets a call to `toolName`. */
  | { kind: "malformed-tool-call"; toolName?: string };

export type FaultSpec = FaultKind | Fault;

/**
 * Which requests fail: a list (one entry per request, in order; `null` for none, nothing past
 * its end), a probability with a seeded RNG, or a function of the request's position.
 */
export type FaultPlan<Request = unknown> =
  | ReadonlyArray<FaultSpec | null | undefined>
  | { probability: number; kinds?: readonly FaultSpec[]; seed?: number }
  | ((request: Request, index: number) => FaultSpec | null | undefined);

const allKinds: readonly FaultKind[] = [
  "rate-limit",
  "server-error",
  "drop-connection",
  "truncate-stream",
  "malformed-tool-call",
];

/** Turns a plan into a function called once per request, in arrival order. */
export function faultPicker<Request>(
  plan: FaultPlan<Request> | undefined,
): (request: Request, index: number) => Fault | undefined {
  if (plan === undefined) return () => undefined;
  if (typeof plan === "function") return (request, index) => toFault(plan(request, index));
  if (isFaultList(plan)) return (_request, index) => toFault(plan[index]);
  const random = seededRandom(plan.seed ?? 1);
  const kinds = plan.kinds ?? allKinds;
  if (kinds.length === 0) throw new Error("fault plan: `kinds` is empty");
  return () => {
    // Draw both numbers every time, so that one request's outcome does not shift the next one's.
    const roll = random();
    const pick = random();
    return roll < plan.probability ? toFault(kinds[Math.floor(pick * kinds.length)]) : undefined;
  };
}

function isFaultList<Request>(plan: FaultPlan<Request>): plan is ReadonlyArray<FaultSpec | null | undefined> {
  return Array.isArray(plan);
}

function toFault(spec: FaultSpec | null | undefined): Fault | undefined {
  if (spec == null) return undefined;
  return typeof spec === "string" ? ({ kind: spec } as Fault) : spec;
}
