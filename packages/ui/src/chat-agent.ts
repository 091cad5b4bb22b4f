import type { AgentEvent, ImagePart } from "@smol/core";

/** What the UI passes to `agent.run`: always a stream, memory kept unless asked otherwise. */
export interface ChatRunOptions {
  stream: true;
  reset?: boolean;
  images?: ImagePart[];
  additionalArgs?: Record<string, unknown>;
  signal?: AbortSignal;
}

/**
 * The part of an agent the chat page uses. `CodeAgent` and `ToolCallingAgent` have it; so can
 * any object of your own.
 *
 * @example
 * const agent: ChatAgent = new ToolCallingAgent({ tools: [], model });
 */
export interface ChatAgent {
  readonly name?: string;
  readonly model: { readonly modelId: string };
  readonly memory: { reset(): void };
  run(task: string, options: ChatRunOptions): AsyncIterable<AgentEvent>;
  /** Stop at the end of the current step; the stream then throws an `AgentInterruptedError`. */
  interrupt(): void;
}

/** Makes the agent of one conversation. May be async (an agent that starts a sandbox, say). */
export type AgentFactory = () => ChatAgent | Promise<ChatAgent>;

/** Release what an agent owns (a sandbox, a process), when it says how. */
export async function disposeAgent(agent: ChatAgent): Promise<void> {
  const disposable = agent as Partial<AsyncDisposable> & { cleanup?: () => unknown };
  const dispose = disposable[Symbol.asyncDispose];
  if (typeof dispose === "function") await dispose.call(agent);
  else if (typeof disposable.cleanup === "function") await disposable.cleanup();
}
