/**
 * Conversations. Each browser tab opens a session; a session runs one task at a time on its
 * agent and streams the run's events to the tab that asked, so two runs never mix.
 *
 * - "clone" mode: each session has its own agent (the first one given, then `agentFactory()`).
 * - "single" mode: every session shares the one agent given, hence one memory and one run at a
 *   time; a second run while one is going is refused with a message saying so.
 *
 * No two conversations share a sandbox: a new conversation, and the given agent passed on to a
 * new tab, start from an empty memory and a fresh executor (see `forgetConversation`).
 */
import { randomBytes } from "node:crypto";
import { type AgentFactory, type ChatAgent, disposeAgent, forgetConversation } from "./chat-agent.js";
import { AgentUIRequestError } from "./errors.js";
import { RunPresenter } from "./run-presenter.js";
import { describeUploads, type UploadedFile } from "./uploads.js";
import type { ViewEvent } from "./view-events.js";

export type SessionMode = "clone" | "single";

/** Where a run's events go: `accepted` once the run starts, then `send` for each event. */
export interface RunOutput {
  accepted(): void;
  send(event: ViewEvent): void;
}

/** An agent and the run it is doing, if any. In single mode all sessions share one. */
interface AgentSlot {
  agent: ChatAgent;
  /** Made by `agentFactory`, so the UI disposes of it when its session ends. */
  ownedByUi: boolean;
  activeRun?: { sessionId: string; controller: AbortController } | undefined;
  /** The agent forgetting its last conversation (its sandbox stopping): runs wait for it. */
  renewal?: Promise<void> | undefined;
}

/** Clear the slot's agent for a new conversation; concurrent calls share one renewal. */
function renew(slot: AgentSlot): Promise<void> {
  slot.renewal ??= forgetConversation(slot.agent).finally(() => {
    slot.renewal = undefined;
  });
  return slot.renewal;
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
   * run is over, however it ended: its end is itself an event.
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
              "(start AgentUI with an agentFactory to give each tab its own); try again when it is done.",
        409,
        "busy",
      );
    }
    const controller = new AbortController();
    slot.activeRun = { sessionId: this.id, controller };
    const { send } = output;
    // A closed tab stops the run: at once for what listens to the signal, else at the step's end.
    const stopForGoneClient = () => {
      controller.abort();
      slot.agent.interrupt();
    };
    clientGone.addEventListener("abort", stopForGoneClient, { once: true });
    const presenter = new RunPresenter();
    try {
      output.accepted();
      const events = slot.agent.run(task + describeUploads(files), {
        stream: true,
        reset: this.resetAgentMemory,
        signal: controller.signal,
      });
      for await (const event of events) {
        // The tab is gone: nobody is left to tell how the run ended.
        if (controller.signal.aborted) return;
        for (const view of presenter.present(event)) send(view);
      }
      send(presenter.end());
    } catch (error) {
      send(presenter.end(error));
    } finally {
      clientGone.removeEventListener("abort", stopForGoneClient);
      slot.activeRun = undefined;
      this.lastActive = Date.now();
    }
  }

  /** Ask the agent to stop at the end of its current step. */
  stop(): void {
    if (!this.isRunning)
      throw new AgentUIRequestError("Nothing is running in this conversation.", 409, "not-running");
    this.slot.agent.interrupt();
  }

  /** Forget the conversation: the agent's memory is cleared and its sandbox stopped. */
  async reset(): Promise<void> {
    if (this.slot.activeRun) {
      throw new AgentUIRequestError("Stop the current run before starting a new conversation.", 409, "busy");
    }
    await renew(this.slot);
  }
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly sharedSlot: AgentSlot;
  /** Clone mode: whether a session is using the agent given to the constructor. */
  private givenAgentInUse = false;

  constructor(private readonly options: SessionStoreOptions) {
    this.sharedSlot = { agent: options.agent, ownedByUi: false };
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

  /** Stop every run and release the agents the UI made. */
  async closeAll(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    for (const session of sessions) {
      if (session.isRunning) {
        session.slot.activeRun?.controller.abort();
        session.slot.agent.interrupt();
      }
    }
    // The agent given by the caller stays as it is (memory included): only the UI's own go.
    await Promise.all(
      sessions
        .filter((session) => session.slot.ownedByUi)
        .map((session) => disposeAgent(session.slot.agent).catch(() => undefined)),
    );
  }

  private async slotForNewSession(): Promise<AgentSlot> {
    if (this.options.mode === "single") return this.sharedSlot;
    if (!this.givenAgentInUse) {
      this.givenAgentInUse = true;
      return this.sharedSlot;
    }
    const factory = this.options.agentFactory;
    if (!factory)
      throw new AgentUIRequestError("No agentFactory to make an agent for a new tab.", 500, "no-factory");
    return { agent: await factory(), ownedByUi: true };
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
    if (session.slot.ownedByUi) {
      await disposeAgent(session.slot.agent).catch(() => undefined);
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
