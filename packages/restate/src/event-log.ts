import type * as restate from "@restatedev/restate-sdk";
import type { ObservedEvent } from "@smol/core";
import { toJsonSafe } from "./json-safe.js";

/** A stored event: one of the run's `AgentEvent`s as plain JSON, with its place in the session's log. */
export type StoredEvent = { type: string; index: number; runId: string; sessionId: string } & Record<
  string,
  unknown
>;

export const EVENT_COUNT = "eventCount";
export const eventKey = (index: number) => `event:${index}`;

/**
 * The events of the run stream (not the finer detail events, which repeat every prompt), kept in
 * a batch and stored in the session's state before each journaled step and at the end of the run.
 * Each event is a state key of its own, so a long run does not rewrite a growing list.
 *
 * The batch is taken through `ctx.run`: on replay the journaled batch comes back (not the events
 * the replay just made again, whose timings differ), so what readers saw stays as it was. The
 * runId is the invocation id, the same across every attempt of the run, and the sessionId is the
 * object's key (the agent's own session id is new on every attempt).
 */
export class EventLog {
  #buffer: ObservedEvent[] = [];
  #count: number;
  readonly #ctx: restate.ObjectContext;
  readonly #runId: string;
  readonly #sessionId: string;

  constructor(ctx: restate.ObjectContext, firstIndex: number) {
    this.#ctx = ctx;
    this.#count = firstIndex;
    this.#runId = ctx.request().id;
    this.#sessionId = ctx.key;
  }

  push(event: ObservedEvent): void {
    if (STREAM_EVENT_TYPES.has(event.type)) this.#buffer.push(event);
  }

  /** Stores the batch. A replay makes the same events in the same order, so its batches line up. */
  async flush(): Promise<void> {
    if (this.#buffer.length === 0) return;
    const taken = this.#buffer;
    this.#buffer = [];
    const first = this.#count;
    const batch = await this.#ctx.run<StoredEvent[]>("events", () =>
      taken.map((event, offset) => ({
        ...toJsonSafe<StoredEvent>(event),
        runId: this.#runId,
        sessionId: this.#sessionId,
        index: first + offset,
      })),
    );
    for (const event of batch) this.#ctx.set(eventKey(event.index), event);
    this.#count = first + batch.length;
    this.#ctx.set(EVENT_COUNT, this.#count);
  }
}

// `stream-delta` is left out: a durable model does not stream.
const STREAM_EVENT_TYPES: ReadonlySet<string> = new Set([
  "run-start",
  "step-start",
  "planning-step",
  "tool-call",
  "approval-request",
  "tool-output",
  "action-output",
  "action-step",
  "final-answer",
  "run-end",
]);
