import { spawnSync } from "node:child_process";
import type { DockerEndpoint } from "./docker-connection.js";

/** A container this process started and must not leave behind. */
interface LiveContainer {
  id: string;
  endpoint: DockerEndpoint;
  remove(): Promise<void>;
}

const live = new Map<string, LiveContainer>();
const signals = ["SIGINT", "SIGTERM"] as const;
let hooksInstalled = false;

/**
 * Remembers a container until it is removed, so that it goes away when the process ends:
 * - on `exit` (normal end, `process.exit`), where only synchronous work is possible, a short
 *   child process asks the engine to remove the containers;
 * - on SIGINT/SIGTERM, when nothing else in the process listens to that signal, the containers
 *   are removed and the signal is raised again, so the process still ends as it would have.
 *   When the application handles the signal itself, it decides; its `exit` still cleans up.
 * The hooks exist only while containers are live, so an idle process keeps its default
 * signal behaviour.
 */
export function trackContainer(container: LiveContainer): void {
  live.set(container.id, container);
  if (!hooksInstalled) installHooks();
}

export function untrackContainer(id: string): void {
  live.delete(id);
  if (live.size === 0 && hooksInstalled) uninstallHooks();
}

/** Ids of the containers this process still owns (for tests and diagnostics). */
export function liveContainerIds(): string[] {
  return [...live.keys()];
}

function installHooks(): void {
  hooksInstalled = true;
  process.on("exit", removeAllSynchronously);
  for (const signal of signals) process.on(signal, onSignal);
}

function uninstallHooks(): void {
  hooksInstalled = false;
  process.off("exit", removeAllSynchronously);
  for (const signal of signals) process.off(signal, onSignal);
}

function onSignal(signal: NodeJS.Signals): void {
  // Another listener means the application handles this signal: leave the decision to it.
  if (process.listenerCount(signal) > 1) return;
  const pending = [...live.values()].map((container) => container.remove().catch(() => undefined));
  const deadline = new Promise((resolve) => setTimeout(resolve, 5_000).unref());
  void Promise.race([Promise.all(pending), deadline]).finally(() => {
    uninstallHooks();
    process.kill(process.pid, signal);
  });
}

// Runs in a child process: DELETE /containers/<id>?force=true for each target, in parallel.
const removerScript = `
const http = require("node:http");
const targets = JSON.parse(process.argv[1]);
for (const target of targets) {
  const request = http.request({
    ...(target.socketPath ? { socketPath: target.socketPath } : { host: target.host, port: target.port }),
    method: "DELETE",
    path: "/containers/" + encodeURIComponent(target.id) + "?force=true",
    timeout: 5000,
  });
  request.on("error", () => {});
  request.on("timeout", () => request.destroy());
  request.end();
}
`;

function removeAllSynchronously(): void {
  type Target = { id: string; socketPath?: string; host?: string; port?: number };
  const targets = [...live.values()].flatMap((container): Target[] => {
    const { endpoint } = container;
    if (endpoint.kind === "socket") return [{ id: container.id, socketPath: endpoint.socketPath }];
    if (endpoint.kind === "http") return [{ id: container.id, host: endpoint.host, port: endpoint.port }];
    // TLS/ssh engines: the container's stdin closes with this process, its runtime then exits
    // and the engine removes it (AutoRemove), unless user code is still running.
    return [];
  });
  live.clear();
  if (targets.length === 0) return;
  spawnSync(process.execPath, ["-e", removerScript, JSON.stringify(targets)], {
    stdio: "ignore",
    timeout: 10_000,
    env: {},
  });
}
