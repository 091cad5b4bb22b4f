import { type ChildProcess, spawn } from "node:child_process";

/** Output and end of a process a fake sandbox runs on the host for the sandbox's guest. */
export interface LocalProcessEvents {
  onStdout(chunk: Buffer): void;
  onStderr(chunk: Buffer): void;
  onExit(exitCode: number, signal: string | null): void;
}

/**
 * A process a fake sandbox runs as a local child (its own process group, an environment with
 * only `PATH` and what the sandbox request asked for), so that the code an executor sends to
 * the fake really runs. Everything written to its stdin is recorded.
 */
export class LocalProcess {
  readonly pid: number;
  /** Everything the client wrote to the process's stdin, in order. */
  readonly stdin: Buffer[] = [];
  readonly exited: Promise<void>;
  readonly #child: ChildProcess;
  #done = false;

  constructor(
    command: string,
    args: readonly string[],
    options: { env: Record<string, string>; cwd?: string },
    events: LocalProcessEvents,
  ) {
    this.#child = spawn(command, args, {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...options.env },
      cwd: options.cwd,
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    this.pid = this.#child.pid ?? -1;
    liveProcesses.add(this);
    this.#child.stdin?.on("error", () => {});
    this.#child.stdout?.on("data", (chunk: Buffer) => events.onStdout(chunk));
    this.#child.stderr?.on("data", (chunk: Buffer) => events.onStderr(chunk));
    this.exited = new Promise((resolve) => {
      const finish = (code: number | null, signal: string | null) => {
        if (this.#done) return;
        this.#done = true;
        liveProcesses.delete(this);
        events.onExit(code ?? (signal ? 137 : -1), signal);
        resolve();
      };
      this.#child.once("close", finish);
      this.#child.once("error", () => finish(127, null));
    });
  }

  get running(): boolean {
    return !this.#done;
  }

  writeStdin(data: Buffer): void {
    this.stdin.push(data);
    this.#child.stdin?.write(data);
  }

  closeStdin(): void {
    this.#child.stdin?.end();
  }

  kill(): void {
    if (this.#done) return;
    try {
      process.kill(-this.pid, "SIGKILL");
    } catch {
      this.#child.kill("SIGKILL");
    }
  }
}

const liveProcesses = new Set<LocalProcess>();
process.once("exit", () => {
  for (const child of liveProcesses) child.kill();
});
