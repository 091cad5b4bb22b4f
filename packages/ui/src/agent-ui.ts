import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { AgentFactory, ChatAgent } from "./chat-agent.js";
import { AgentUIError } from "./errors.js";
import { isLoopback } from "./http-helpers.js";
import { createRequestListener } from "./routes.js";
import { hasSessions, type SessionMode, SessionStore } from "./sessions.js";
import { prepareUploadFolder } from "./uploads.js";

// Every option also accepts `undefined` (meaning the default), so that callers compiling with
// `exactOptionalPropertyTypes` can pass a value they may not have.
export interface AgentUIOptions {
  /** Where uploaded files go. Without it, the page offers no upload. */
  fileUploadFolder?: string | undefined;
  /** Largest upload accepted, in bytes. Default 10 MB. */
  maxUploadBytes?: number | undefined;
  /** Default `127.0.0.1`: only this machine can reach the page. */
  host?: string | undefined;
  /** Default: the first free port from 7860 (Gradio's); `0` picks any free port. */
  port?: number | undefined;
  /** Clear the agent's memory before every message (default false: the conversation goes on). */
  resetAgentMemory?: boolean | undefined;
  /**
   * Makes an agent for each new browser tab beyond the first (which uses the agent given), so
   * that tabs have separate conversations. Implies `sessionMode: "clone"`.
   *
   * @deprecated Not needed: by default each tab gets its own `agent.session()` of the agent given.
   */
  agentFactory?: AgentFactory | undefined;
  /**
   * `"session"`: each tab has its own `agent.session()` (own memory, state and Python executor,
   * closed when the tab's conversation ends); tabs run at the same time. `"single"`: all tabs
   * share the one agent and its memory; a second task while one runs is refused with a message.
   * `"clone"` (deprecated): one agent per tab, made by `agentFactory`.
   * Default: `"clone"` with an `agentFactory`, else `"session"` when the agent has `session()`
   * (smol's agents do) and no executor instance of its own (a CodeAgent given `executor`, which
   * only its default session can use), else `"single"`.
   */
  sessionMode?: SessionMode | undefined;
  /** The page title; default the agent's name. */
  title?: string | undefined;
  /** Most open conversations kept at once (least recently used ones go first). Default 50. */
  maxSessions?: number | undefined;
}

export interface LaunchOptions {
  /** Open the page in the default browser. Default false. */
  open?: boolean | undefined;
  /** Do not print the URL. Default false. */
  quiet?: boolean | undefined;
}

/** A running AgentUI server. `await using ui = await new AgentUI(agent).launch()` closes it. */
export interface LaunchedAgentUI extends AsyncDisposable {
  url: string;
  close(): Promise<void>;
}

const defaultPorts = { first: 7860, count: 20 };

/**
 * A chat page for an agent, served on this machine: type a task and watch each step stream in
 * (thoughts, code or tool calls, logs, errors, images, the final answer), stop a run, start a
 * new conversation, attach files.
 *
 * @example
 * const agent = new CodeAgent({ tools: [], model });
 * const ui = await new AgentUI(agent, { fileUploadFolder: "./uploads" }).launch();
 * console.log(ui.url); // http://127.0.0.1:7860/
 * // … later
 * await ui.close();
 */
export class AgentUI {
  private launched = false;
  private readonly options: AgentUIOptions;

  constructor(
    readonly agent: ChatAgent,
    options: AgentUIOptions = {},
  ) {
    this.options = options;
    const mode = this.sessionMode;
    if (mode === "clone" && !options.agentFactory) {
      throw new AgentUIError(
        'sessionMode "clone" gives each tab its own agent, so it needs an agentFactory option ' +
          '(a function that makes an agent); without one, use sessionMode "session" (the default).',
      );
    }
    if (mode === "session" && !hasSessions(agent)) {
      throw new AgentUIError(
        'sessionMode "session" gives each tab its own agent.session(), but this agent has no ' +
          'session() method; use sessionMode "single", or an agentFactory.',
      );
    }
    if (options.maxUploadBytes !== undefined && !(options.maxUploadBytes > 0)) {
      throw new AgentUIError("maxUploadBytes must be a positive number of bytes.");
    }
  }

  get sessionMode(): SessionMode {
    const { sessionMode, agentFactory } = this.options;
    if (sessionMode) return sessionMode;
    if (agentFactory) return "clone";
    // A CodeAgent given an executor instance can only run in its default session: one sandbox
    // cannot serve two conversations, so such an agent is shared by the tabs.
    return hasSessions(this.agent) && this.agent.pythonExecutor === undefined ? "session" : "single";
  }

  /** Start the server; resolves once it listens, with its URL. */
  async launch(launchOptions: LaunchOptions = {}): Promise<LaunchedAgentUI> {
    if (this.launched)
      throw new AgentUIError("This AgentUI is already launched; make another one for a second page.");
    this.launched = true;
    const { options, agent } = this;
    const host = options.host ?? "127.0.0.1";
    const maxUploadBytes = options.maxUploadBytes ?? 10 * 1024 * 1024;
    const uploadFolder = options.fileUploadFolder
      ? await prepareUploadFolder(options.fileUploadFolder)
      : undefined;
    const sessions = new SessionStore({
      agent,
      agentFactory: options.agentFactory,
      mode: this.sessionMode,
      resetAgentMemory: options.resetAgentMemory ?? false,
      maxSessions: options.maxSessions ?? 50,
      idleMilliseconds: 30 * 60 * 1000,
    });
    const agentName = agent.name ?? "Agent";
    let boundPort = 0;
    const server = createServer(
      createRequestListener({
        sessions,
        listenHost: host,
        port: () => boundPort,
        uploadFolder,
        maxUploadBytes,
        page: {
          title: options.title ?? agentName,
          agentName,
          modelId: agent.model.modelId,
          sessionMode: this.sessionMode,
          uploadsEnabled: uploadFolder !== undefined,
          maxUploadBytes,
        },
      }),
    );
    boundPort = await listen(server, host, options.port);
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${boundPort}/`;
    if (!launchOptions.quiet) {
      const exposure = isLoopback(host)
        ? ""
        : " (reachable from other machines: anyone who can reach it can run the agent)";
      console.log(`AgentUI is running at ${url}${exposure}`);
    }
    if (launchOptions.open) openInBrowser(url);

    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= (async () => {
        await sessions.closeAll();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    };
    return { url, close, [Symbol.asyncDispose]: close };
  }
}

/**
 * For people coming from smolagents: `new GradioUI(agent).launch()` works as they expect.
 *
 * @deprecated Use `AgentUI`: this alias only keeps smolagents' name.
 */
export const GradioUI = AgentUI;
/** @deprecated Use `AgentUI`. */
export type GradioUI = AgentUI;

async function listen(server: Server, host: string, port: number | undefined): Promise<number> {
  // No port asked for: Gradio's 7860 or the next free one, then any free port.
  const { first, count } = defaultPorts;
  const candidates =
    port !== undefined ? [port] : [...Array.from({ length: count }, (_, index) => first + index), 0];
  let lastError: unknown;
  for (const candidate of candidates) {
    try {
      return await listenOn(server, host, candidate);
    } catch (error) {
      lastError = error;
      if ((error as NodeJS.ErrnoException).code === "EADDRINUSE" && port === undefined) continue;
      break;
    }
  }
  const reason = lastError as NodeJS.ErrnoException;
  const where = `${host}:${port ?? 0}`;
  throw new AgentUIError(
    reason.code === "EADDRINUSE"
      ? `Port ${port} on ${host} is in use: choose another port, or 0 for any free one.`
      : `Could not listen on ${where}: ${reason.message}`,
    { cause: reason },
  );
}

function listenOn(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off("listening", onListening);
      reject(error);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === "darwin"
      ? ["open", [url]]
      : process.platform === "win32"
        ? ["cmd", ["/c", "start", "", url]]
        : ["xdg-open", [url]];
  const child = spawn(command, args, { detached: true, stdio: "ignore" });
  // No browser to open is not a reason to stop the server: the URL was printed.
  child.on("error", () => undefined);
  child.unref();
}
