/**
 * The byte pipe between the host and one running copy of the Python runtime. Executors differ
 * only in how they get one: a Deno child process running Pyodide, a python3 subprocess, a
 * Docker container's attached stdio, a process in an E2B or Blaxel sandbox.
 */
export interface RuntimeTransport {
  /** The runtime's output, one line at a time, without the trailing newline. */
  readonly lines: AsyncIterable<string>;
  /** Sends one line (the newline is added by the transport). */
  writeLine(line: string): Promise<void>;
  /**
   * Resolves when the runtime is gone, whatever the reason. `errorType` optionally names the
   * Python exception the model sees when this happens during a run (e.g. `MemoryError` from a
   * memory watchdog); by default it is `SandboxError`.
   */
  readonly closed: Promise<{ reason: string; errorType?: string }>;
  /** Kills the runtime now. Safe to call twice. */
  kill(): Promise<void>;
}

/** Starts a fresh runtime; called again after a timeout or a crash. */
export type RuntimeTransportFactory = (signal?: AbortSignal) => Promise<RuntimeTransport>;
