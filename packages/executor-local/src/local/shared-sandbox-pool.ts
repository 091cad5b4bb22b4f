import type { DenoLaunch } from "./deno-command.js";
import type { SandboxTransport } from "./deno-process.js";
import { type SharedProcessLimits, SharedSandboxProcess } from "./shared-sandbox-process.js";

/** A shared process with no session left is stopped after this long (a new session may come). */
const IDLE_SHUTDOWN_MS = 30_000;

interface PoolEntry {
  process: Promise<SharedSandboxProcess>;
  idleTimer?: NodeJS.Timeout;
}

const processes = new Map<string, PoolEntry>();

/**
 * Opens a session in the shared sandbox process of these settings (same Deno, files, packages,
 * memory limit: same key, same process), starting the process if there is none or it has died.
 */
export async function openSharedSession(
  key: string,
  launch: DenoLaunch,
  limits: SharedProcessLimits,
): Promise<SandboxTransport> {
  let entry = processes.get(key);
  if (entry) {
    const current = await entry.process.catch(() => undefined);
    if (!current?.accepting && processes.get(key) === entry) processes.delete(key);
  }
  entry = processes.get(key);
  if (!entry) {
    const created: PoolEntry = { process: SharedSandboxProcess.start(launch, limits) };
    processes.set(key, created);
    created.process.then(
      (shared) => void shared.closed.then(() => processes.get(key) === created && processes.delete(key)),
      () => processes.get(key) === created && processes.delete(key),
    );
    entry = created;
  }
  const shared = await entry.process;
  if (entry.idleTimer) clearTimeout(entry.idleTimer);
  entry.idleTimer = undefined;
  const transport = shared.openSession();
  const owner = entry;
  void transport.closed.then(() => {
    if (shared.sessionCount > 0 || !shared.alive) return;
    owner.idleTimer = setTimeout(() => {
      if (shared.sessionCount === 0) void shared.kill("the shared sandbox process had no session left");
    }, IDLE_SHUTDOWN_MS);
    owner.idleTimer.unref();
  });
  return transport;
}

/** The shared processes alive now (tests and benchmarks count them). */
export async function sharedSandboxProcessIds(): Promise<number[]> {
  const alive = await Promise.all(
    [...processes.values()].map((entry) => entry.process.catch(() => undefined)),
  );
  return alive.filter((shared) => shared?.alive).map((shared) => shared!.pid);
}
