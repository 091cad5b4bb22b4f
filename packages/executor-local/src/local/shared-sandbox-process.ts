import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { constants, openSync, realpathSync } from "node:fs";
import { Socket } from "node:net";
import { join } from "node:path";
import { ExecutorError } from "@smol/core";
import { LineChannel, MAX_PROTOCOL_LINE_LENGTH } from "@smol/core/executor-kit";
import { threadCpuTime, watchIdleCpu } from "./cpu-watchdog.js";
import { type DenoLaunch, denoArguments, denoEnvironment } from "./deno-command.js";
import {
  describeExit,
  killOnHostExit,
  type SandboxClosed,
  type SandboxTransport,
  STDERR_TAIL_CHARS,
} from "./deno-process.js";
import { watchMemory } from "./memory-watchdog.js";
import { createSandboxDirectory } from "./sandbox-directory.js";

export interface SharedProcessLimits {
  /** What the process may use with no session (Deno, the compiled module). */
  baseResidentBytes: number;
  /** What each isolate (a session's, or a spare's) adds to the process's resident-memory limit. */
  residentBytesPerSession: number;
  /** The JavaScript heap of each isolate, in MB: past it, Deno ends that isolate alone. */
  jsHeapMb: number;
  /** Isolates kept booted ahead of the sessions that will take them; default 1. */
  spares?: number;
}

/** Room for the tag (`L <id> `) in front of a protocol line. */
const TAG_ALLOWANCE = 64;
const LABEL = "the shared sandbox process";
/**
 * After ending the sessions that were running code when the process passed its memory limit,
 * how long their memory gets to be freed before the process is measured again.
 */
const MEMORY_RELEASE_MS = 1_000;
/**
 * A process with a stuck isolate (see isolate-host.js: Deno cannot stop a worker that runs code)
 * takes no new session, and is stopped once its last session has ended, or after this long.
 */
const RETIRED_GRACE_MS = 30_000;
/**
 * Sessions one process serves before new ones go to a fresh process (it stops once its last
 * session ends). An isolate that ended by exiting on its own (`Deno.exit`, `close()`) can leave
 * its thread and memory behind in Deno 2.9.6, and every ended worker leaves two descriptors open
 * (an epoll and an eventfd of its runtime; measured 12 more after 6 sessions ended): recycling
 * bounds what a process accumulates (~512 descriptors, under the usual limit of 1024).
 */
const SESSIONS_PER_PROCESS = 256;

interface OpenSession {
  lines: LineChannel;
  /** From each line the host sends until the next line of the session's (booting, at first). */
  busy: boolean;
  /** Changes each time the session becomes idle again (the CPU watchdog's idle period). */
  idlePeriod: number | undefined;
  idlePeriods: number;
  stopCpuWatchdog?: () => void;
  /** Ends the session from the host's side (its isolate is terminated). */
  end(closed: SandboxClosed): void;
  finish(closed: SandboxClosed): void;
}

/**
 * One Deno process whose trusted launcher (assets/isolate-host.js) runs each session in a worker
 * thread of its own (a V8 isolate), with the host's lines multiplexed over two FIFOs, tagged with
 * the session's id. Each session is presented as a `SandboxTransport`, as a process of its own
 * would be, so the runtime session on top of it does not know the difference. Ending a session
 * terminates its isolate only, and each session has its own CPU watchdog (its thread's CPU
 * time); the memory watchdog is the process's (see #watchMemory). If the process dies, every
 * open session is closed with the reason.
 */
export class SharedSandboxProcess {
  readonly pid: number;
  readonly closed: Promise<SandboxClosed>;
  readonly #child: ChildProcess;
  readonly #toSandbox: Socket;
  readonly #fromSandbox: Socket;
  readonly #sessions = new Map<string, OpenSession>();
  readonly #limits: SharedProcessLimits;
  /** Ended sessions whose isolate is still there (it still holds its memory). */
  readonly #lingering = new Set<string>();
  #retired = false;
  #nextId = 0;
  #verdict: SandboxClosed | undefined;
  #exited = false;

  private constructor(
    child: ChildProcess,
    toSandbox: Socket,
    fromSandbox: Socket,
    limits: SharedProcessLimits,
  ) {
    this.#child = child;
    this.pid = child.pid!;
    this.#limits = limits;
    this.#toSandbox = toSandbox;
    this.#fromSandbox = fromSandbox;
    const demultiplexed = new LineChannel({
      maxLineLength: MAX_PROTOCOL_LINE_LENGTH + TAG_ALLOWANCE,
      onOverflow: () => this.#kill({ reason: `${LABEL} wrote a line longer than the protocol allows` }),
    });
    fromSandbox.on("data", (chunk: Buffer) => demultiplexed.write(chunk));
    fromSandbox.on("error", () => {});
    toSandbox.on("error", () => {});
    void this.#dispatch(demultiplexed);

    let stderrTail = "";
    const keepTail = (chunk: Buffer): void => {
      stderrTail = (stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL_CHARS);
    };
    // Stdio carries no protocol here (the sessions' isolates lose access to it): diagnostics only.
    child.stdout!.on("data", keepTail);
    child.stderr!.on("data", keepTail);
    if (process.env.SMOL_DEBUG) {
      child.stderr!.pipe(process.stderr);
      child.stdout!.pipe(process.stderr);
    }
    const stopMemory = this.#watchMemory();
    this.closed = new Promise((resolve) => {
      child.once("close", (code, signalName) => {
        this.#exited = true;
        stopMemory();
        demultiplexed.end();
        toSandbox.destroy();
        fromSandbox.destroy();
        const closed = this.#verdict ?? describeExit(LABEL, code, signalName, stderrTail);
        for (const session of [...this.#sessions.values()]) {
          session.finish({
            reason: `${closed.reason} (every session in it was stopped)`,
            ...(closed.errorType ? { errorType: closed.errorType } : {}),
          });
        }
        this.#sessions.clear();
        resolve(closed);
      });
    });
    this.#updateReferences();
  }

  /** Starts the process; `launch.config` holds the settings of each session (runner.js's). */
  static async start(launch: DenoLaunch, limits: SharedProcessLimits): Promise<SharedSandboxProcess> {
    const directory = createSandboxDirectory(launch.denoDirectory);
    const privatePath = realpathSync(directory.path);
    const toSandboxPath = join(privatePath, "to-sandbox");
    const fromSandboxPath = join(privatePath, "from-sandbox");
    let toSandbox: Socket;
    let fromSandbox: Socket;
    try {
      execFileSync("mkfifo", ["-m", "600", toSandboxPath, fromSandboxPath]);
      // Read-write opens of a FIFO return at once (Linux): nothing blocks if Deno never opens it.
      toSandbox = new Socket({
        fd: openSync(toSandboxPath, constants.O_RDWR | constants.O_NONBLOCK),
        readable: false,
        writable: true,
      });
      fromSandbox = new Socket({
        fd: openSync(fromSandboxPath, constants.O_RDWR | constants.O_NONBLOCK),
        readable: true,
        writable: false,
      });
    } catch (error) {
      directory.remove();
      throw new ExecutorError(`Could not create the channel of ${LABEL}: ${String(error)}`, { cause: error });
    }
    const child = spawn(
      launch.denoPath,
      denoArguments({
        ...launch,
        readPaths: [...launch.readPaths, toSandboxPath],
        writePaths: [fromSandboxPath],
      }),
      {
        env: denoEnvironment(directory.path, directory.denoDirectory),
        cwd: directory.path,
        argv0: "deno",
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    child.once("close", () => directory.remove());
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", (error) => {
        toSandbox.destroy();
        fromSandbox.destroy();
        directory.remove();
        reject(
          new ExecutorError(`Could not start Deno (${launch.denoPath}): ${error.message}`, { cause: error }),
        );
      });
    });
    killOnHostExit(child);
    child.stdin!.on("error", () => {});
    child.stdin!.end(
      `${JSON.stringify({
        toSandbox: toSandboxPath,
        fromSandbox: fromSandboxPath,
        maxLineLength: MAX_PROTOCOL_LINE_LENGTH,
        jsHeapMb: limits.jsHeapMb,
        spares: limits.spares ?? 1,
        session: launch.config,
      })}\n`,
    );
    return new SharedSandboxProcess(child, toSandbox, fromSandbox, limits);
  }

  get alive(): boolean {
    return !this.#exited && this.#verdict === undefined;
  }

  /** Whether new sessions may open here: alive, and not retired for a stuck isolate. */
  get accepting(): boolean {
    return this.alive && !this.#retired;
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** Opens a session (an isolate of its own, with its own interpreter) and gives its transport. */
  openSession(): SandboxTransport {
    if (!this.accepting) throw new ExecutorError(`${LABEL} is not taking new sessions`);
    const id = String(this.#nextId++);
    const lines = new LineChannel({
      onOverflow: () =>
        session.end({ reason: "the sandbox wrote more than the protocol allows and was stopped" }),
    });
    let resolveClosed!: (closed: SandboxClosed) => void;
    const closed = new Promise<SandboxClosed>((resolve) => {
      resolveClosed = resolve;
    });
    const session: OpenSession = {
      lines,
      busy: true,
      idlePeriod: undefined,
      idlePeriods: 0,
      end: (why) => {
        if (this.#sessions.get(id) !== session) return;
        this.#send(`K ${id}`);
        session.finish(why);
      },
      finish: (why) => {
        if (this.#sessions.get(id) === session) {
          this.#sessions.delete(id);
          this.#lingering.add(id);
        }
        if (this.#retired && this.#sessions.size === 0) this.#kill({ reason: `${LABEL} was retired` });
        session.stopCpuWatchdog?.();
        lines.end();
        resolveClosed(why);
        this.#updateReferences();
      },
    };
    this.#sessions.set(id, session);
    this.#send(`O ${id}`);
    this.#updateReferences();
    if (this.#nextId >= SESSIONS_PER_PROCESS) this.#retire({ grace: false });
    return {
      pid: this.pid,
      lines,
      closed,
      writeLine: async (line: string): Promise<void> => {
        if (this.#sessions.get(id) !== session) throw new ExecutorError("the sandbox is not running");
        if (!session.busy) {
          session.busy = true;
          session.idlePeriod = undefined;
          this.#updateReferences();
        }
        await this.#sendAsync(`L ${id} ${line}`);
      },
      kill: async (): Promise<void> => {
        // The launcher terminates the isolate when it reads `K`: a V8 termination, which stops
        // a WebAssembly loop too. The process and its other sessions carry on.
        session.end({ reason: "the sandbox was stopped" });
        await closed;
      },
    };
  }

  /** Stops the process (and so every session in it). */
  async kill(reason = `${LABEL} was stopped`): Promise<void> {
    this.#kill({ reason });
    await this.closed;
  }

  async #dispatch(lines: AsyncIterable<string>): Promise<void> {
    for await (const line of lines) {
      const kind = line[0];
      const space = line.indexOf(" ", 2);
      const id = space === -1 ? line.slice(2) : line.slice(2, space);
      if (kind === "X") {
        this.#lingering.delete(id);
        continue;
      }
      if (kind === "S") {
        this.#retire({ grace: true });
        continue;
      }
      const session = this.#sessions.get(id);
      if (!session) continue; // ended meanwhile: its last words are dropped
      const rest = space === -1 ? "" : line.slice(space + 1);
      if (kind === "L") {
        session.lines.writeLine(rest);
        if (session.busy) {
          session.busy = false;
          session.idlePeriod = ++session.idlePeriods;
          this.#updateReferences();
        }
      } else if (kind === "W") {
        this.#watchSessionCpu(session, `worker-${rest}`);
      } else if (kind === "E") {
        // Deno ends a worker alone when its JavaScript heap passes its limit.
        const outOfMemory = /memory limit|out of memory/i.test(rest);
        session.finish({
          reason: `the sandbox's isolate ended: ${rest}`,
          ...(outOfMemory ? { errorType: "MemoryError" } : {}),
        });
      }
    }
  }

  /**
   * No new session here: this one is stopped when its last session ends. With `grace`, an
   * isolate did not exit when its session ended: it runs on (code past its timeout), using CPU
   * and memory, and only the process's end stops it; then the process is stopped after
   * RETIRED_GRACE_MS at the latest (its sessions get a clear error and a fresh sandbox).
   */
  #retire(options: { grace: boolean }): void {
    if (this.#sessions.size === 0) {
      this.#retired = true;
      this.#kill({ reason: `${LABEL} was retired` });
      return;
    }
    if (this.#retired && !options.grace) return;
    this.#retired = true;
    if (!options.grace) return;
    setTimeout(
      () =>
        this.#kill({
          reason: `${LABEL} was stopped: a session's code kept running after its run was stopped, and only the end of the process stops it`,
        }),
      RETIRED_GRACE_MS,
    ).unref();
  }

  /**
   * Each session's own thread is watched, as a process of its own would be: one that burns CPU
   * while its host has no request in flight (code left running after its run, by an escape into
   * JavaScript) is ended alone. Deno names a worker's thread `worker-<n>`, numbered in the order
   * the launcher starts them (the guest cannot start any, nor rename a thread).
   */
  #watchSessionCpu(session: OpenSession, threadName: string): void {
    session.stopCpuWatchdog = watchIdleCpu({
      pid: this.pid,
      sample: threadCpuTime(this.pid, threadName),
      idlePeriod: () => session.idlePeriod,
      onExceeded: (usedMs, windowMs) =>
        session.end({
          reason: `the sandbox used ${(usedMs / 1000).toFixed(1)} s of CPU in ${(windowMs / 1000).toFixed(1)} s while no code was running (code left running after its run ended) and was stopped`,
        }),
    });
  }

  /**
   * Resident memory is the process's, not an isolate's: over the limit (the base plus an
   * allowance per isolate), the sessions running code are the ones that can have grown (an idle
   * isolate runs nothing), so they are ended first, with a MemoryError; if none was, or the
   * memory is still over once theirs was freed, the whole process is stopped.
   */
  #watchMemory(): () => void {
    let stop = (): void => {};
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      stop = watchMemory({
        pid: this.pid,
        limitBytes: () =>
          this.#limits.baseResidentBytes +
          (this.#sessions.size + this.#lingering.size + (this.#limits.spares ?? 1)) *
            this.#limits.residentBytesPerSession,
        onExceeded: (resident, limit) => {
          const busy = [...this.#sessions.values()].filter((session) => session.busy);
          const reason = `${LABEL} used ${megabytes(resident)} MB of memory, over its limit of ${megabytes(limit)} MB for ${this.#sessions.size} sessions`;
          if (busy.length === 0) {
            this.#kill({
              reason: `${reason}, and was stopped with every session in it`,
              errorType: "MemoryError",
            });
            return;
          }
          for (const session of busy) {
            session.end({
              reason: `${reason}; this sandbox was running code then and was stopped`,
              errorType: "MemoryError",
            });
          }
          timer = setTimeout(() => {
            if (!stopped) arm();
          }, MEMORY_RELEASE_MS);
          timer.unref();
        },
      });
    };
    arm();
    return () => {
      stopped = true;
      clearTimeout(timer);
      stop();
    };
  }

  /**
   * While any session is busy (booting, or a request of its host in flight) the host must not
   * exit under it; when none is, the pipes are unreferenced so that idle executors never keep
   * the host alive.
   */
  #updateReferences(): void {
    let busy = false;
    for (const session of this.#sessions.values()) busy ||= session.busy;
    for (const handle of [
      this.#child,
      this.#child.stdout,
      this.#child.stderr,
      this.#toSandbox,
      this.#fromSandbox,
    ] as unknown as Socket[]) {
      if (busy) handle?.ref?.();
      else handle?.unref?.();
    }
  }

  #send(line: string): void {
    if (!this.#exited) this.#toSandbox.write(`${line}\n`);
  }

  async #sendAsync(line: string): Promise<void> {
    if (this.#exited) throw new ExecutorError(`${LABEL} is not running`);
    await new Promise<void>((resolve, reject) => {
      this.#toSandbox.write(`${line}\n`, (error) =>
        error
          ? reject(new ExecutorError(`Could not write to ${LABEL}: ${error.message}`, { cause: error }))
          : resolve(),
      );
    });
  }

  #kill(why: SandboxClosed): void {
    this.#verdict ??= why;
    this.#child.kill("SIGKILL");
  }
}

function megabytes(bytes: number): number {
  return Math.round(bytes / (1024 * 1024));
}
