import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";

/**
 * Resident memory of a process in bytes, or undefined when it cannot be read (the process has
 * gone, or the platform offers neither /proc nor `ps`).
 */
export async function residentMemoryBytes(pid: number): Promise<number | undefined> {
  if (process.platform === "linux") {
    try {
      const status = await readFile(`/proc/${pid}/status`, "utf8");
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
      return match ? Number(match[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }
  if (process.platform === "win32") return undefined;
  return await new Promise((resolve) => {
    execFile("ps", ["-o", "rss=", "-p", String(pid)], (error, stdout) => {
      const kilobytes = Number.parseInt(stdout.trim(), 10);
      resolve(error || Number.isNaN(kilobytes) ? undefined : kilobytes * 1024);
    });
  });
}

export interface MemoryWatchdogOptions {
  pid: number;
  /** A number, or a function read at each poll (a shared process's limit grows with its sessions). */
  limitBytes: number | (() => number);
  /** Called once, when the process's resident memory is seen over the limit. */
  onExceeded(residentBytes: number, limitBytes: number): void;
  intervalMs?: number;
}

/**
 * Polls a process's resident memory and reports when it passes a limit. This catches what the
 * WebAssembly memory cap does not: JavaScript buffers the guest allocates through the `js`
 * module. Returns a function that stops the polling.
 */
export function watchMemory(options: MemoryWatchdogOptions): () => void {
  let stopped = false;
  let polling = false;
  const timer = setInterval(async () => {
    if (stopped || polling) return;
    polling = true;
    const resident = await residentMemoryBytes(options.pid);
    polling = false;
    const limit = typeof options.limitBytes === "function" ? options.limitBytes() : options.limitBytes;
    if (!stopped && resident !== undefined && resident > limit) {
      stop();
      options.onExceeded(resident, limit);
    }
  }, options.intervalMs ?? 100);
  // The watchdog alone must not keep the host's event loop alive.
  timer.unref();
  function stop(): void {
    stopped = true;
    clearInterval(timer);
  }
  return stop;
}
