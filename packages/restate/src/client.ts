import * as clients from "@restatedev/restate-sdk-clients";
import type { AgentObject, DurableRunInput, DurableSessionState, StoredRunResult } from "./agent-object.js";
import type { StoredEvent } from "./event-log.js";

export interface DurableAgentClientOptions {
  /** The Restate server's ingress, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** The name given to `serveAgent` / `agentObject`. */
  name: string;
  /** Headers sent with every request (e.g. an authorization for Restate Cloud). */
  headers?: Record<string, string>;
}

/** A run that was started: its invocation id, and its result once it ends. */
export interface DurableRun {
  readonly invocationId: string;
  /** Waits for the run to end (through a crash, a redeploy, an approval) and resolves to its result. */
  result(): Promise<StoredRunResult>;
}

/**
 * Starts and follows durable runs through the Restate ingress (`@restatedev/restate-sdk-clients`).
 * A session id is the virtual object's key.
 */
export function durableAgentClient(options: DurableAgentClientOptions) {
  const ingress = clients.connect({ url: options.url, headers: options.headers });
  const definition = { name: options.name } as AgentObject;
  const object = (sessionId: string) => ingress.objectClient(definition, sessionId);
  return {
    /**
     * Starts a run without waiting for it. With the same `idempotencyKey` (a random one by
     * default), a retried start is the same run; the key is also what lets `result()` attach to
     * the run from anywhere, at any time, until Restate's retention drops it.
     */
    async startRun(
      sessionId: string,
      input: DurableRunInput,
      start: { idempotencyKey?: string } = {},
    ): Promise<DurableRun> {
      const send = await ingress
        .objectSendClient(definition, sessionId)
        .run(
          input,
          clients.rpc.sendOpts({ idempotencyKey: start.idempotencyKey ?? globalThis.crypto.randomUUID() }),
        );
      return { invocationId: send.invocationId, result: () => ingress.result(send) };
    },
    /** Runs and waits for the stored result. */
    run: async (sessionId: string, input: DurableRunInput): Promise<StoredRunResult> =>
      await object(sessionId).run(input),
    /** The result of the session's last run, or null while none ended. */
    result: async (sessionId: string): Promise<StoredRunResult | null> => await object(sessionId).result(),
    state: async (sessionId: string): Promise<DurableSessionState> => await object(sessionId).state(),
    /** The session's stored events from index `after` on. */
    events: async (sessionId: string, after = 0): Promise<StoredEvent[]> =>
      await object(sessionId).events({ after }),
    approve: async (sessionId: string, approvalId: string): Promise<void> =>
      await object(sessionId).approve({ approvalId }),
    reject: async (sessionId: string, approvalId: string, reason?: string): Promise<void> =>
      await object(sessionId).reject({ approvalId, reason }),
    /** Interrupts the session's run; resolves to whether one was going on. */
    interrupt: async (sessionId: string): Promise<boolean> => await object(sessionId).interrupt(),
    /**
     * The session's events as they are stored, polled every `intervalMs` (default 250), from
     * index `after` on, until the `run-end` event (or the signal aborts).
     */
    async *followEvents(
      sessionId: string,
      follow: { after?: number; intervalMs?: number; signal?: AbortSignal } = {},
    ) {
      let next = follow.after ?? 0;
      while (!follow.signal?.aborted) {
        const batch = await object(sessionId).events({ after: next });
        for (const event of batch) {
          yield event;
          next = event.index + 1;
          if (event.type === "run-end") return;
        }
        if (batch.length === 0) await new Promise((resolve) => setTimeout(resolve, follow.intervalMs ?? 250));
      }
    },
  };
}

export type DurableAgentClient = ReturnType<typeof durableAgentClient>;
