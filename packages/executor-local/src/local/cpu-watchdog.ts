import { readdir, readFile } from "node:fs/promises";

/** Linux reports /proc/<pid>/stat times in clock ticks of 1/100 s (USER_HZ) on every architecture. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, every thread) a process has used, in milliseconds; undefined when it
 * cannot be read (the process has gone, or the platform has no /proc).
 */
export async function cpuTimeMs(pid: number): Promise<number | undefined> {
  return await statCpuTimeMs(`/proc/${pid}/stat`);
}

/**
 * CPU time of one thread of a process, found by its name (`/proc/<pid>/task/<tid>/comm`); undefined
 * while no thread has that name (not started yet, or gone) or off Linux.
 */
export function threadCpuTime(pid: number, threadName: string): () => Promise<number | undefined> {
  let tid: string | undefined;
  return async () => {
    if (process.platform !== "linux") return undefined;
    tid ??= await findThread(pid, threadName);
    return tid === undefined ? undefined : await statCpuTimeMs(`/proc/${pid}/task/${tid}/stat`);
  };
}

async function findThread(pid: number, threadName: string): Promise<string | undefined> {
  try {
    for (const tid of await readdir(`/proc/${pid}/task`)) {
      const name = await readFile(`/proc/${pid}/task/${tid}/comm`, "utf8").catch(() => "");
      if (name.trim() === threadName) return tid;
    }
  } catch {
    // The process has gone.
  }
  return undefined;
}

async function statCpuTimeMs(path: string): Promise<number | undefined> {
  if (process.platform !== "linux") return undefined;
  try {
    const stat = await readFile(path, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const userTicks = Number(fields[11]);
    const systemTicks = Number(fields[12]);
    if (!Number.isFinite(userTicks) || !Number.isFinite(systemTicks)) return undefined;
    return ((userTicks + systemTicks) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

export interface CpuWatchdogOptions {
  pid: number;
  /** The CPU time to watch, in ms; default the whole process's (`cpuTimeMs(pid)`). */
  sample?: () => Promise<number | undefined>;
  /**
   * Which idle period the process is in now (a number that changes each time it becomes idle
   * again), or undefined while a request of the host is in flight: only idle CPU time counts.
   */
  idlePeriod(): number | undefined;
  /** Called once, with the CPU time used within the window, when it passes the budget. */
  onExceeded(usedMs: number, windowMs: number): void;
  /** CPU time an idle process may use within `windowMs`; default 1000 ms. */
  budgetMs?: number;
  /** Default 2000 ms. */
  windowMs?: number;
  /** Default 250 ms. */
  intervalMs?: number;
}

/**
 * Kills what outlives a run: an idle sandbox is blocked reading its stdin and uses no CPU, so one
 * that burns CPU between runs runs guest code that the run's timeout no longer covers (a thread,
 * a callback). The watchdog samples the process's CPU time (all its threads) and reports when,
 * over the last `windowMs` of idleness, it used more than `budgetMs`. Busy periods reset the
 * window: a run's own CPU is the timeout's business. Linux only (elsewhere it never reports).
 * Returns a function that stops it.
 */
export function watchIdleCpu(options: CpuWatchdogOptions): () => void {
  const budgetMs = options.budgetMs ?? 1000;
  const windowMs = options.windowMs ?? 2000;
  const sample = options.sample ?? (() => cpuTimeMs(options.pid));
  /** CPU time and wall time of each sample taken in the current idle period. */
  let samples: { at: number; cpuMs: number }[] = [];
  let samplesPeriod: number | undefined;
  let stopped = false;
  let polling = false;
  const timer = setInterval(async () => {
    if (stopped || polling) return;
    const period = options.idlePeriod();
    polling = true;
    const cpuMs = period === undefined ? undefined : await sample();
    polling = false;
    // A request between two samples (even a short one) starts a new period: its CPU is not idle.
    if (stopped || cpuMs === undefined || options.idlePeriod() !== period) return;
    if (period !== samplesPeriod) {
      samples = [];
      samplesPeriod = period;
    }
    const at = Date.now();
    samples.push({ at, cpuMs });
    while (samples.length > 1 && at - samples[1]!.at >= windowMs) samples.shift();
    const used = cpuMs - samples[0]!.cpuMs;
    if (used > budgetMs) {
      stop();
      options.onExceeded(used, at - samples[0]!.at);
    }
  }, options.intervalMs ?? 250);
  // The watchdog alone must not keep the host's event loop alive.
  timer.unref();
  function stop(): void {
    stopped = true;
    clearInterval(timer);
  }
  return stop;
}
