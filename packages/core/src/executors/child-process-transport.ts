import { type ChildProcess, spawn } from "node:child_process";
import type { Socket } from "node:net";
import { ExecutorError } from "../errors.js";
import { LineChannel } from "./line-channel.js";
import type { RuntimeTransport } from "./transport.js";

/** Options of `spawnRuntimeProcess`. */
export interface SpawnRuntimeProcessOptions {
  command: string;
  args?: readonly string[];
  /** The child's whole environment: nothing of the host's is passed unless it is here. */
  env?: Record<string, string>;
  cwd?: string;
  /** Aborts the start (kills the child). */
  signal?: AbortSignal;
  /**
   * What to do with the child's stderr besides keeping its tail for crash reports: `"merge"`
   * (default) hands its lines to the host as stray output, which ends up in the run's logs;
   * `"ignore"` drops them.
   */
  stderr?: "merge" | "ignore";
  /** Shown in errors, e.g. `python3`. Defaults to the command. */
  label?: string;
}

const STDERR_TAIL_LENGTH = 4_000;
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Spawns a process that runs the Python runtime and returns a transport over its stdio.
 *
 * The child gets its own process group, so `kill()` (SIGKILL) also takes the processes the
 * user's code started; every child still alive when Node exits is killed too. The child and
 * its pipes do not keep Node's event loop alive on their own: a forgotten executor does not
 * hang the host process.
 *
 * @example
 * const transport = await spawnRuntimeProcess({ command: "python3", args: ["-u", runtimeSourcePath()], env: { PATH } });
 */
export function spawnRuntimeProcess(options: SpawnRuntimeProcessOptions): Promise<RuntimeTransport> {
  const label = options.label ?? options.command;
  options.signal?.throwIfAborted();
  installExitHook();
  return new Promise((resolve, reject) => {
    const child = spawn(options.command, options.args ?? [], {
      env: options.env ?? {},
      cwd: options.cwd,
      stdio: ["pipe", "pipe", "pipe"],
      detached: process.platform !== "win32",
      windowsHide: true,
    });
    liveChildren.add(child);
    let stderrTail = "";
    let closeReason: string | undefined;
    const lines = new LineChannel({
      onOverflow: (length, what) => {
        closeReason =
          what === "line"
            ? `${label} wrote a line of more than ${length} bytes, over the protocol's limit`
            : `${label} wrote ${length} characters of output the host had not read yet, over the protocol's limit`;
        killChild(child);
      },
    });
    const closed = new Promise<{ reason: string }>((resolveClosed) => {
      child.once("close", (code, signalName) => {
        liveChildren.delete(child);
        lines.end();
        const status = signalName ? `was killed by ${signalName}` : `exited with code ${code}`;
        const tail = stderrTail.trim() ? `; its last error output:\n${stderrTail.trim()}` : "";
        resolveClosed({ reason: closeReason ?? `${label} ${status}${tail}` });
      });
    });
    child.stdout?.on("data", (chunk: Buffer) => lines.write(chunk));
    const stderrLines = new LineChannel({ maxLineLength: 1024 * 1024 });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL_LENGTH);
      if (options.stderr !== "ignore") stderrLines.write(chunk);
    });
    child.stderr?.on("end", () => stderrLines.end());
    if (options.stderr !== "ignore") void forwardLines(stderrLines, lines);
    // Writing to a dead child raises EPIPE; `closed` reports the death, so ignore it here.
    child.stdin?.on("error", () => {});

    const onAbort = () => killChild(child);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.once("error", (error) => {
      liveChildren.delete(child);
      options.signal?.removeEventListener("abort", onAbort);
      reject(
        new ExecutorError(`Could not start ${label} (${options.command}): ${error.message}`, {
          cause: error,
        }),
      );
    });
    child.once("spawn", () => {
      options.signal?.removeEventListener("abort", onAbort);
      unreference(child);
      resolve({
        lines,
        closed,
        writeLine: (line) => writeLine(child, line),
        kill: async () => {
          killChild(child);
          await closed;
        },
      });
    });
  });
}

async function forwardLines(from: LineChannel, to: LineChannel): Promise<void> {
  for await (const line of from) to.writeLine(line);
}

function writeLine(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const stdin = child.stdin;
    if (!stdin || stdin.destroyed || !stdin.writable) {
      reject(new ExecutorError("The Python runtime's input is closed"));
      return;
    }
    stdin.write(`${line}\n`, (error) =>
      error
        ? reject(new ExecutorError("Could not write to the Python runtime", { cause: error }))
        : resolve(),
    );
  });
}

function killChild(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (child.pid !== undefined && process.platform !== "win32") process.kill(-child.pid, "SIGKILL");
    else child.kill("SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

function unreference(child: ChildProcess): void {
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr])
    (stream as unknown as Socket | null)?.unref?.();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of liveChildren) killChild(child);
  });
}
