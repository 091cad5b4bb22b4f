import { spawnSync } from "node:child_process";

/**
 * The HTTP request that removes a sandbox, for the end of the process. Either an absolute
 * `url` (http or https), or a Unix `socketPath` with a `path` (a local Docker engine).
 */
export interface RemovalRequest {
  method: "DELETE";
  url?: string;
  socketPath?: string;
  path?: string;
  /** May hold the provider's credentials: they reach the child process through its stdin only. */
  headers?: Record<string, string>;
}

/** A sandbox (container, microVM) this process started and must not leave behind. */
export interface SandboxToRemove {
  /** Removes it; used on SIGINT/SIGTERM, where asynchronous work is still possible. */
  remove(): Promise<void>;
  /**
   * Sent by a short child process on `exit`, where only synchronous work is possible. Without
   * one, nothing is done at `exit` (the provider's own timeout or auto-remove ends the sandbox).
   */
  removalRequest?: RemovalRequest;
}

const owned = new Set<SandboxToRemove>();
const signals = ["SIGINT", "SIGTERM"] as const;
const SIGNAL_CLEANUP_DEADLINE_MS = 5_000;
const EXIT_CLEANUP_DEADLINE_MS = 10_000;
let hooksInstalled = false;

/**
 * Keeps a sandbox until the returned function is called (when the executor removed it itself),
 * so that it goes away when the process ends:
 * - on `exit` (normal end, `process.exit`), a short child process sends the removal requests;
 * - on SIGINT/SIGTERM, when nothing else in the process listens to that signal, the sandboxes
 *   are removed and the signal is raised again, so the process still ends as it would have.
 *   When the application handles the signal itself, it decides; its `exit` still cleans up.
 * The hooks exist only while sandboxes are owned, so an idle process keeps its default signal
 * behaviour.
 */
export function removeOnProcessExit(sandbox: SandboxToRemove): () => void {
  owned.add(sandbox);
  if (!hooksInstalled) installHooks();
  return () => {
    owned.delete(sandbox);
    if (owned.size === 0 && hooksInstalled) uninstallHooks();
  };
}

/**
 * The removal of a sandbox this process just started, as executors want it: it runs once however
 * often it is called, never rejects (a sandbox that is already gone counts as removed), and until
 * it has run the sandbox is also removed when the process ends (`removeOnProcessExit`).
 * `onRemoved` runs after it, e.g. to forget the sandbox's id.
 */
export function ownedSandboxRemoval(options: {
  remove: () => Promise<unknown>;
  removalRequest?: RemovalRequest;
  onRemoved?: () => void;
}): () => Promise<void> {
  let removal: Promise<void> | undefined;
  const removeOnce = (): Promise<void> => {
    removal ??= options
      .remove()
      .then(
        () => undefined,
        () => undefined, // Already gone (its own timeout or the engine ended it, or an earlier call).
      )
      .finally(() => {
        forget();
        options.onRemoved?.();
      });
    return removal;
  };
  const forget = removeOnProcessExit({
    remove: removeOnce,
    ...(options.removalRequest ? { removalRequest: options.removalRequest } : {}),
  });
  return removeOnce;
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
  const pending = [...owned].map((sandbox) => sandbox.remove().catch(() => undefined));
  const deadline = new Promise((resolve) => setTimeout(resolve, SIGNAL_CLEANUP_DEADLINE_MS).unref());
  void Promise.race([Promise.all(pending), deadline]).finally(() => {
    owned.clear();
    uninstallHooks();
    process.kill(process.pid, signal);
  });
}

// Runs in a child process: sends each request of the JSON list read from stdin, in parallel.
const senderScript = `
const http = require("node:http");
const https = require("node:https");
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  for (const target of JSON.parse(input)) {
    const options = { method: target.method, headers: target.headers || {}, timeout: 5000 };
    const request = target.url
      ? (target.url.startsWith("https:") ? https : http).request(target.url, options)
      : http.request({ ...options, socketPath: target.socketPath, path: target.path });
    request.on("error", () => {});
    request.on("timeout", () => request.destroy());
    request.end();
  }
});
`;

function removeAllSynchronously(): void {
  const requests = [...owned].flatMap((sandbox) => (sandbox.removalRequest ? [sandbox.removalRequest] : []));
  owned.clear();
  if (requests.length === 0) return;
  spawnSync(process.execPath, ["-e", senderScript], {
    input: JSON.stringify(requests),
    stdio: ["pipe", "ignore", "ignore"],
    timeout: EXIT_CLEANUP_DEADLINE_MS,
    // The child needs nothing of ours but the extra CAs a TLS endpoint may need; the
    // credentials travel in the requests, over stdin.
    env: process.env.NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS } : {},
  });
}
