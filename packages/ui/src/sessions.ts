/**
 * Conversations. Each browser tab opens a session; a session runs one task at a time and
 * streams the run's events to the tab that asked, so two runs never mix.
 *
 * - "session" mode (the default for smol's agents): each tab gets its own `agent.session()` of
 *   the one agent given: its own memory, state and, for a CodeAgent, Python executor. Tabs run
 *   at the same time; a tab's session is closed when the tab's conversation ends.
 * - "clone" mode (deprecated): each session has its own agent (the first one given, then
 *   `agentFactory()`).
 * - "single" mode: every session shares the one agent given, hence one memory and one run at a
 *   time; a second run while one is going is refused with a message saying so.
 *
 * No two conversations share a sandbox: a new conversation, and the given agent passed on to a
 * new tab, start from an empty memory and a fresh executor (see `forgetConversation`).
 *
 * Each session also keeps what its page drew (`history`), so that a reloaded page can draw the
 * conversation again.
 */
import { randomBytes } from "node:crypto";
import type { AgentEvent } from "@smol/core";
import {
  type AgentFactory,
  type ChatAgent,
  type ChatRunOptions,
  disposeAgent,
  forgetConversation,
} from "./chat-agent.js";
import { AgentUIRequestError } from "./errors.js";
import { RunPresenter } from "./run-presenter.js";
import { describeUploads, type UploadedFile } from "./uploads.js";
import type { ViewEvent } from "./view-events.js";

export type SessionMode = "session" | "clone" | "single";

/** Where a run's events go: `accepted` once the run starts, then `send` for each event. */
export interface RunOutput {
  accepted(): void;
  send(event: ViewEvent): void;
}

/** One message of a conversation and what its run drew, for a reloaded page to draw again. */
export interface HistoryEntry {
  task: string;
  files: { originalName: string }[];
  /** The run's view events, without the streamed text (each step event carries it whole). */
  events: ViewEvent[];
}

/** Past this many events a conversation's oldest messages are left out of its replay. */
const maxHistoryEvents = 5_000;

/** What runs a conversation's tasks: an agent, or one of its sessions. */
interface Runner {
  run(task: string, options: ChatRunOptions): AsyncIterable<AgentEvent>;
  interrupt(): void;
}

/** A runner and the run it is doing, if any. In single mode all sessions share one. */
interface AgentSlot {
  runner: Runner;
  /** Forget the conversation: an empty memory, and a fresh sandbox for the next run. */
  forget(): Promise<void>;
  /** Releases what the UI made for this slot (an agent, a session); unset for the given agent. */
  release?: (() => Promise<void>) | undefined;
  activeRun?: { sessionId: string; controller: AbortController } | undefined;
  /** The conversation being forgotten (its sandbox stopping): runs wait for it. */
  renewal?: Promise<void> | undefined;
}

/** Clear the slot for a new conversation; concurrent calls share one renewal. */
function renew(slot: AgentSlot): Promise<void> {
  slot.renewal ??= slot.forget().finally(() => {
    slot.renewal = undefined;
  });
  return slot.renewal;
}

function agentSlot(agent: ChatAgent, ownedByUi: boolean): AgentSlot {
  return {
    runner: agent,
    forget: () => forgetConversation(agent),
    release: ownedByUi ? () => disposeAgent(agent) : undefined,
  };
}

/** A slot on its own `agent.session()`; forgetting closes it and opens the next one. */
function sessionSlot(agent: ChatAgent & Required<Pick<ChatAgent, "session">>): AgentSlot {
  let current = agent.session();
  return {
    runner: {
      run: (task, options) => current.run(task, options),
      interrupt: () => current.interrupt(),
    },
    forget: async () => {
      const old = current;
      current = agent.session();
      await old.close();
    },
    release: () => current.close(),
  };
}

export function hasSessions(agent: ChatAgent): agent is ChatAgent & Required<Pick<ChatAgent, "session">> {
  return typeof agent.session === "function";
}

export interface SessionStoreOptions {
  agent: ChatAgent;
  agentFactory?: AgentFactory | undefined;
  mode: SessionMode;
  resetAgentMemory: boolean;
  maxSessions: number;
  /** A session unused for this long is dropped when room is needed. */
  idleMilliseconds: number;
}

export class Session {
  readonly uploads = new Map<string, UploadedFile>();
  readonly history: HistoryEntry[] = [];
  lastActive = Date.now();

  constructor(
    readonly id: string,
    readonly slot: AgentSlot,
    private readonly resetAgentMemory: boolean,
  ) {}

  get isRunning(): boolean {
    return this.slot.activeRun?.sessionId === this.id;
  }

  /**
   * Run `task` on this session's agent, sending what the page draws to `output.send`, in order.
   * Throws at once when the agent is busy; else calls `output.accepted()` and resolves when the
   * run is over, however it ended: its end is itself an event (sent once).
   */
  async run(task: string, files: UploadedFile[], output: RunOutput, clientGone: AbortSignal): Promise<void> {
    const { slot } = this;
    // A run must not start in the sandbox of the conversation being forgotten.
    await slot.renewal?.catch(() => undefined);
    if (slot.activeRun) {
      throw new AgentUIRequestError(
        slot.activeRun.sessionId === this.id
          ? "A run is already going in this conversation: wait for it to end, or press Stop."
          : "The agent is busy with a task from another tab. This page shares one agent between tabs " +
              '(sessionMode "single"); try again when it is done.',
        409,
        "busy",
      );
    }
    const controller = new AbortController();
    slot.activeRun = { sessionId: this.id, controller };
    // A closed tab stops the run at once, as Stop does.
    const stopForGoneClient = () => {
      controller.abort();
      slot.runner.interrupt();
    };
    clientGone.addEventListener("abort", stopForGoneClient, { once: true });
    const entry: HistoryEntry = {
      task,
      files: files.map((file) => ({ originalName: file.originalName })),
      events: [],
    };
    this.remember(entry);
    const send = (view: ViewEvent) => {
      if (view.kind !== "delta") entry.events.push(view);
      output.send(view);
    };
    const presenter = new RunPresenter();
    let ending: ViewEvent;
    try {
      output.accepted();
      const events = slot.runner.run(task + describeUploads(files), {
        stream: true,
        reset: this.resetAgentMemory,
        signal: controller.signal,
      });
      for await (const event of events) {
        for (const view of presenter.present(event)) send(view);
      }
      ending = presenter.end();
    } catch (error) {
      ending = presenter.end(error);
    } finally {
      clientGone.removeEventListener("abort", stopForGoneClient);
      slot.activeRun = undefined;
      this.lastActive = Date.now();
    }
    send(ending);
    this.trimHistory();
  }

  /** Stop the run at once: the model or tool call in flight gets the abort. */
  stop(): void {
    const run = this.slot.activeRun;
    if (!run || run.sessionId !== this.id)
      throw new AgentUIRequestError("Nothing is running in this conversation.", 409, "not-running");
    run.controller.abort();
    this.slot.runner.interrupt();
  }

  /** Forget the conversation: the agent's memory is cleared and its sandbox stopped. */
  async reset(): Promise<void> {
    if (this.slot.activeRun) {
      throw new AgentUIRequestError("Stop the current run before starting a new conversation.", 409, "busy");
    }
    await renew(this.slot);
    this.history.length = 0;
  }

  private remember(entry: HistoryEntry): void {
    // With a memory reset before each message, the agent remembers only the last one.
    if (this.resetAgentMemory) this.history.length = 0;
    this.history.push(entry);
  }

  private trimHistory(): void {
    let total = this.history.reduce((sum, entry) => sum + entry.events.length, 0);
    while (total > maxHistoryEvents && this.history.length > 1) {
      total -= this.history.shift()!.events.length;
    }
  }
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly sharedSlot: AgentSlot;
  /** Clone mode: whether a session is using the agent given to the constructor. */
  private givenAgentInUse = false;

  constructor(private readonly options: SessionStoreOptions) {
    this.sharedSlot = agentSlot(options.agent, false);
  }

  async create(): Promise<Session> {
    await this.makeRoom();
    const slot = await this.slotForNewSession();
    const session = new Session(randomBytes(16).toString("base64url"), slot, this.options.resetAgentMemory);
    this.sessions.set(session.id, session);
    return session;
  }

  /** The session with this id, marked as just used. */
  get(id: string): Session {
    const session = this.sessions.get(id);
    if (!session) {
      throw new AgentUIRequestError(
        "This conversation is no longer known to the server (it restarted, or the conversation was idle too long).",
        404,
        "unknown-session",
      );
    }
    session.lastActive = Date.now();
    // Re-inserting keeps the map ordered from least to most recently used.
    this.sessions.delete(id);
    this.sessions.set(id, session);
    return session;
  }

  /** Stop every run and release the agents and sessions the UI made. */
  async closeAll(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    for (const session of sessions) {
      if (session.isRunning) {
        session.slot.activeRun?.controller.abort();
        session.slot.runner.interrupt();
      }
    }
    // The agent given by the caller stays as it is (memory included): only the UI's own go.
    await Promise.all(sessions.map((session) => session.slot.release?.().catch(() => undefined)));
  }

  private async slotForNewSession(): Promise<AgentSlot> {
    const { mode, agent, agentFactory } = this.options;
    if (mode === "single") return this.sharedSlot;
    if (mode === "session") {
      if (!hasSessions(agent))
        throw new AgentUIRequestError("The agent cannot open sessions.", 500, "no-sessions");
      return sessionSlot(agent);
    }
    if (!this.givenAgentInUse) {
      this.givenAgentInUse = true;
      return this.sharedSlot;
    }
    if (!agentFactory)
      throw new AgentUIRequestError("No agentFactory to make an agent for a new tab.", 500, "no-factory");
    return agentSlot(await agentFactory(), true);
  }

  /**
   * Drop idle sessions, then the least recently used ones while over the limit. Waits until
   * their sandboxes are stopped, so that the given agent, when freed, can serve the new tab.
   */
  private async makeRoom(): Promise<void> {
    const now = Date.now();
    const releases: Promise<void>[] = [];
    for (const session of [...this.sessions.values()]) {
      const idle = now - session.lastActive > this.options.idleMilliseconds;
      if ((idle || this.sessions.size >= this.options.maxSessions) && !session.isRunning) {
        this.sessions.delete(session.id);
        releases.push(this.release(session));
      }
    }
    await Promise.all(releases);
    if (this.sessions.size >= this.options.maxSessions) {
      throw new AgentUIRequestError(
        "Too many conversations are running at once; try again when one has finished.",
        503,
        "too-many-sessions",
      );
    }
  }

  private async release(session: Session): Promise<void> {
    if (session.slot.release) {
      await session.slot.release().catch(() => undefined);
    } else if (this.options.mode === "clone" && session.slot === this.sharedSlot) {
      // The given agent can serve the next tab once it has forgotten this one, sandbox included;
      // if its sandbox could not be stopped, new tabs get agents from the factory instead.
      const forgotten = await renew(session.slot).then(
        () => true,
        () => false,
      );
      if (forgotten) this.givenAgentInUse = false;
    }
  }
}
