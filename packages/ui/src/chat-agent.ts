import type { AgentEvent, ImagePart } from "@smol/core";

/** What the UI passes to `agent.run`: always a stream, memory kept unless asked otherwise. */
export interface ChatRunOptions {
  stream: true;
  reset?: boolean | undefined;
  images?: ImagePart[] | undefined;
  additionalArgs?: Record<string, unknown> | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * The part of an agent the chat page uses. `CodeAgent` and `ToolCallingAgent` have it; so can
 * any object of your own.
 *
 * @example
 * const agent: ChatAgent = new ToolCallingAgent({ tools: [], model });
 */
export interface ChatAgent {
  // `| undefined` on optional members: smol's agents declare `name: string | undefined`, which
  // a consumer compiling with `exactOptionalPropertyTypes` could not pass otherwise.
  readonly name?: string | undefined;
  readonly model: { readonly modelId: string };
  readonly memory: { reset(): void };
  /**
   * A CodeAgent's Python executor, once started. When a conversation ends (New conversation, or
   * a tab dropped to make room), the UI cleans it up, and the agent's next run starts a fresh
   * sandbox with no variables: no two conversations ever share one.
   */
  readonly pythonExecutor?: { cleanup(): Promise<void> } | undefined;
  run(task: string, options: ChatRunOptions): AsyncIterable<AgentEvent>;
  /** Stop at the end of the current step; the stream then throws an `AgentInterruptedError`. */
  interrupt(): void;
  /**
   * Opens an independent conversation on this agent (its own memory, state and, for a
   * CodeAgent, Python executor). smol's agents have it; with it, each tab gets its own session.
   */
  session?(): ChatSession;
}

/** One conversation of an agent: smol's `AgentSession` has this shape. */
export interface ChatSession {
  readonly id: string;
  run(task: string, options: ChatRunOptions): AsyncIterable<AgentEvent>;
  interrupt(): void;
  /** Ends the conversation and stops its executor. */
  close(): Promise<void>;
}

/** Makes the agent of one conversation. May be async (an agent that starts a sandbox, say). */
export type AgentFactory = () => ChatAgent | Promise<ChatAgent>;

/**
 * Make the agent ready for a new conversation: an empty memory, and its sandbox stopped so that
 * the next run gets a fresh one. Clearing Python's variables would not be enough: code of the
 * old conversation may have patched modules or the runtime itself, which only a new process
 * forgets.
 */
export async function forgetConversation(agent: ChatAgent): Promise<void> {
  agent.memory.reset();
  await agent.pythonExecutor?.cleanup();
}

/** Release what an agent owns (a sandbox, a process), when it says how. */
export async function disposeAgent(agent: ChatAgent): Promise<void> {
  const disposable = agent as Partial<AsyncDisposable> & { cleanup?: () => unknown };
  const dispose = disposable[Symbol.asyncDispose];
  if (typeof dispose === "function") await dispose.call(agent);
  else if (typeof disposable.cleanup === "function") await disposable.cleanup();
}
