import { type ChildProcess, spawn } from "node:child_process";
import type { Socket } from "node:net";
import { constants, setPriority } from "node:os";
import { ExecutorError } from "@smol/core";
import { LineChannel, type RuntimeTransport } from "@smol/core/executor-kit";
import { watchIdleCpu } from "./cpu-watchdog.js";
import { type DenoLaunch, denoArguments, denoEnvironment } from "./deno-command.js";
import { watchMemory } from "./memory-watchdog.js";
import { createSandboxDirectory } from "./sandbox-directory.js";

/** Why a sandbox process ended; `errorType` is the Python error the model sees during a run. */
export interface SandboxClosed {
  reason: string;
  errorType?: string;
}

export interface SandboxTransport extends RuntimeTransport {
  readonly pid: number;
  readonly closed: Promise<SandboxClosed>;
}

export interface SandboxProcessOptions {
  /** Kill the process when its resident memory passes this many bytes. */
  residentMemoryLimitBytes: number;
  /** Kill the process when, idle, it uses more CPU time than this per `idleCpuWindowMs`; default 1000. */
  idleCpuBudgetMs?: number;
  /** Default 2000. */
  idleCpuWindowMs?: number;
  /** Plain-language name used in reasons ("the sandbox"). */
  label?: string;
}

export const STDERR_TAIL_CHARS = 4_000;
const liveProcesses = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Sandboxes busy in an infinite loop never read the end of their stdin, so they would outlive
 * the host. Kill every one still alive when the host exits.
 */
export function killOnHostExit(child: ChildProcess): void {
  liveProcesses.add(child);
  child.once("exit", () => liveProcesses.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const live of liveProcesses) live.kill("SIGKILL");
  });
}

/**
 * Starts one sandbox process and gives the line transport over its stdio. The process runs in a
 * private empty directory (removed when it ends), gets an environment without anything of the
 * host's and only the permissions in `denoArguments`; its settings are the first line on its
 * stdin. A memory watchdog kills it past `residentMemoryLimitBytes`, a CPU watchdog when it
 * burns CPU while idle; a line longer than the protocol allows kills it too.
 */
export async function spawnDenoSandbox(
  launch: DenoLaunch,
  options: SandboxProcessOptions,
  signal?: AbortSignal,
): Promise<SandboxTransport> {
  signal?.throwIfAborted();
  const label = options.label ?? "the sandbox";
  const directory = createSandboxDirectory(launch.denoDirectory);
  const child = spawn(launch.denoPath, denoArguments(launch), {
    env: denoEnvironment(directory.path, directory.denoDirectory),
    cwd: directory.path,
    // What `process.argv0` shows in the sandbox, instead of the binary's path.
    argv0: "deno",
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.once("close", () => directory.remove());
  const pid = await new Promise<number>((resolve, reject) => {
    child.once("spawn", () => resolve(child.pid!));
    child.once("error", (error) => {
      directory.remove();
      reject(
        new ExecutorError(`Could not start Deno (${launch.denoPath}): ${error.message}`, { cause: error }),
      );
    });
  });
  killOnHostExit(child);
  // An idle sandbox must not keep the host alive (a forgotten executor would hang it), but a
  // host awaiting the sandbox must not exit either. So the process is referenced from each
  // line the host sends (a request, a tool result) until the next line it answers, and while
  // it is being killed.
  const setReferenced = (referenced: boolean): void => {
    for (const handle of [child, child.stdin, child.stdout, child.stderr] as unknown as Socket[]) {
      if (referenced) handle?.ref?.();
      else handle?.unref?.();
    }
  };
  child.stdout!.on("data", () => setReferenced(false));
  // Busy from the start (booting) and from each line the host sends until the end of a line of
  // the sandbox's: the runtime answers every request with one line (a result, an ack, a tool
  // call) and then blocks reading stdin. A guest that writes lines of its own only makes the
  // CPU watchdog apply sooner.
  let idlePeriod: number | undefined;
  let idlePeriods = 0;
  child.stdout!.on("data", (chunk: Buffer) => {
    if (idlePeriod === undefined && chunk.includes(10)) idlePeriod = ++idlePeriods;
  });

  let verdict: SandboxClosed | undefined;
  const kill = (why: SandboxClosed): void => {
    verdict ??= why;
    child.kill("SIGKILL");
  };
  const lines = new LineChannel({
    onOverflow: () =>
      kill({ reason: `${label} wrote a line longer than the protocol allows and was stopped` }),
  });
  child.stdout!.on("data", (chunk: Buffer) => lines.write(chunk));
  // Stderr carries Deno's own messages and the interpreter's raw writes (`os.write(2, …)`):
  // only its tail is kept, to explain a crash. It never mixes with the protocol's stdout.
  let stderrTail = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL_CHARS);
  });
  // Writes to a process that has just died fail with EPIPE; `closed` reports why it died.
  child.stdin!.on("error", () => {});

  const stopWatchdog = watchMemory({
    pid,
    limitBytes: options.residentMemoryLimitBytes,
    onExceeded: (resident) =>
      kill({
        reason: `${label} used ${megabytes(resident)} MB of memory, over its limit of ${megabytes(options.residentMemoryLimitBytes)} MB, and was stopped`,
        errorType: "MemoryError",
      }),
  });
  const stopCpuWatchdog = watchIdleCpu({
    pid,
    idlePeriod: () => idlePeriod,
    budgetMs: options.idleCpuBudgetMs,
    windowMs: options.idleCpuWindowMs,
    onExceeded: (usedMs, windowMs) =>
      kill({
        reason: `${label} used ${(usedMs / 1000).toFixed(1)} s of CPU in ${(windowMs / 1000).toFixed(1)} s while no code was running (code left running after its run ended) and was stopped`,
      }),
  });
  const closed = new Promise<SandboxClosed>((resolve) => {
    child.once("close", (code, signalName) => {
      stopWatchdog();
      stopCpuWatchdog();
      lines.end();
      resolve(verdict ?? describeExit(label, code, signalName, stderrTail));
    });
  });
  if (signal?.aborted) {
    kill({ reason: `${label} was stopped while starting` });
    signal.throwIfAborted();
  }

  // The settings come first, before the protocol's own lines (runner.js reads them to boot).
  child.stdin!.write(`${JSON.stringify(launch.config)}\n`);

  return {
    pid,
    lines,
    closed,
    async writeLine(line: string): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null || !child.stdin!.writable) {
        throw new ExecutorError(`${label} is not running`);
      }
      setReferenced(true);
      idlePeriod = undefined;
      await new Promise<void>((resolve, reject) => {
        child.stdin!.write(`${line}\n`, (error) =>
          error
            ? reject(new ExecutorError(`Could not write to ${label}: ${error.message}`, { cause: error }))
            : resolve(),
        );
      });
    },
    async kill(): Promise<void> {
      setReferenced(true);
      kill({ reason: `${label} was stopped` });
      await closed;
    },
  };
}

export function describeExit(
  label: string,
  code: number | null,
  signalName: string | null,
  stderrTail: string,
): SandboxClosed {
  const how = signalName ? `was killed by ${signalName}` : `exited with code ${code}`;
  const details = stderrTail.trim();
  // V8 aborts the process when the JavaScript heap passes --max-old-space-size.
  const outOfMemory = /out of memory|heap limit/i.test(details);
  return {
    reason: `${label} ${how}${details ? `: ${details}` : ""}`,
    ...(outOfMemory ? { errorType: "MemoryError" } : {}),
  };
}

function megabytes(bytes: number): number {
  return Math.round(bytes / (1024 * 1024));
}

/**
 * Runs a trusted Deno script (no user code) to its end and returns what it wrote to stdout.
 * Used to build memory snapshots.
 */
export async function runDenoScript(
  launch: DenoLaunch,
  timeoutMs: number,
  options: { background?: boolean } = {},
): Promise<Buffer> {
  const directory = createSandboxDirectory(launch.denoDirectory);
  const child = spawn(launch.denoPath, denoArguments(launch), {
    env: denoEnvironment(directory.path, directory.denoDirectory),
    cwd: directory.path,
    // What `process.argv0` shows in the sandbox, instead of the binary's path.
    argv0: "deno",
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.once("close", () => directory.remove());
  killOnHostExit(child);
  if (options.background) {
    // Work nobody waits for: it yields the CPU to the sandboxes, and lets the host exit.
    child.once("spawn", () => {
      try {
        setPriority(child.pid!, constants.priority.PRIORITY_LOW);
      } catch {
        // Not allowed here: it runs at normal priority.
      }
    });
    for (const handle of [child, child.stdin, child.stdout, child.stderr] as unknown as Socket[]) {
      handle?.unref?.();
    }
  }
  child.stdin!.on("error", () => {});
  child.stdin!.end(`${JSON.stringify(launch.config)}\n`);
  const chunks: Buffer[] = [];
  let stderrTail = "";
  child.stdout!.on("data", (chunk: Buffer) => chunks.push(chunk));
  child.stderr!.on("data", (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL_CHARS);
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  if (options.background) timer.unref();
  try {
    const { code, signalName } = await new Promise<{ code: number | null; signalName: string | null }>(
      (resolve, reject) => {
        child.once("error", (error) => {
          directory.remove();
          reject(
            new ExecutorError(`Could not start Deno (${launch.denoPath}): ${error.message}`, {
              cause: error,
            }),
          );
        });
        child.once("close", (exitCode, exitSignal) => resolve({ code: exitCode, signalName: exitSignal }));
      },
    );
    if (code !== 0) {
      const { reason } = describeExit(launch.script, code, signalName, stderrTail);
      throw new ExecutorError(reason);
    }
    return Buffer.concat(chunks);
  } finally {
    clearTimeout(timer);
  }
}
