import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { cpuTimeMs, watchIdleCpu } from "./cpu-watchdog.js";

const onLinux = process.platform === "linux";
const children: ChildProcess[] = [];

/** A real process: `busy` spins one core, otherwise it sleeps. */
function startProcess(busy: boolean): number {
  const child = spawn(process.execPath, ["-e", busy ? "for (;;) {}" : "setTimeout(() => {}, 60_000)"], {
    stdio: "ignore",
  });
  children.push(child);
  return child.pid!;
}

afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** Resolves with what the watchdog reported within `waitMs`, or undefined. */
function watch(pid: number, idlePeriod: () => number | undefined, waitMs: number) {
  return new Promise<{ usedMs: number; windowMs: number } | undefined>((resolve) => {
    const stop = watchIdleCpu({
      pid,
      idlePeriod,
      intervalMs: 100,
      onExceeded: (usedMs, windowMs) => resolve({ usedMs, windowMs }),
    });
    setTimeout(() => {
      stop();
      resolve(undefined);
    }, waitMs);
  });
}

describe.runIf(onLinux)("the idle CPU watchdog", () => {
  it("reads a process's CPU time from /proc", async () => {
    const pid = startProcess(true);
    const before = await cpuTimeMs(pid);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const after = await cpuTimeMs(pid);
    expect(before).toBeTypeOf("number");
    expect(after! - before!).toBeGreaterThan(100);
    expect(await cpuTimeMs(2 ** 22 + 12_345)).toBeUndefined();
  });

  it("reports an idle process that burns CPU", async () => {
    const reported = await watch(startProcess(true), () => 1, 6_000);
    expect(reported).toBeDefined();
    expect(reported!.usedMs).toBeGreaterThan(1_000);
  });

  it("leaves alone a busy process while a request is in flight", async () => {
    expect(await watch(startProcess(true), () => undefined, 3_500)).toBeUndefined();
  });

  it("does not count CPU across requests (each new idle period starts the window again)", async () => {
    let period = 0;
    const timer = setInterval(() => (period += 1), 150);
    try {
      expect(await watch(startProcess(true), () => period, 3_500)).toBeUndefined();
    } finally {
      clearInterval(timer);
    }
  });

  it("leaves alone an idle process that sleeps", async () => {
    expect(await watch(startProcess(false), () => 1, 3_000)).toBeUndefined();
  });
});
