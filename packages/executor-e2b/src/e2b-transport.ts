import { ExecutorError } from "@smol/core";
import {
  LineChannel,
  orderedWriter,
  ownedSandboxRemoval,
  type RemovalRequest,
  type RuntimeTransport,
} from "@smol/core/executor-kit";
import { type CommandHandle, ConnectionConfig, Sandbox, type SandboxOpts } from "e2b";
import { bootstrapPayload, bootstrapShellCommand } from "./bootstrap.js";
import { forgetBufferedOutput } from "./command-output.js";
import { describeE2BStartError } from "./e2b-errors.js";

export interface E2BRuntimeOptions {
  template: string;
  sandboxOptions: SandboxOpts;
  runtimeSource: string;
  signal?: AbortSignal;
  /** Told the sandbox's id as soon as it exists. */
  onSandbox?: (sandboxId: string | undefined) => void;
}

const STDERR_TAIL_LENGTH = 4_000;

/**
 * Creates an E2B sandbox, starts the runtime in it as a background process with stdin, and
 * returns a transport over that process: `sendStdin` carries the host's lines, the process's
 * output stream the runtime's (stderr joins as stray output, so what the user's code writes to
 * fd 1 or 2 reaches the run's logs). One sandbox per runtime: `kill()` kills the sandbox, so a
 * timed-out run leaves nothing behind and the next runtime starts clean.
 */
export async function startE2BRuntime(options: E2BRuntimeOptions): Promise<RuntimeTransport> {
  options.signal?.throwIfAborted();
  let sandbox: Sandbox;
  try {
    sandbox = await Sandbox.create(options.template, {
      ...options.sandboxOptions,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw describeE2BStartError(error, options.template);
  }
  options.onSandbox?.(sandbox.sandboxId);

  const killSandbox = ownedSandboxRemoval({
    remove: () => sandbox.kill(),
    removalRequest: killRequest(options.sandboxOptions, sandbox.sandboxId),
    onRemoved: () => options.onSandbox?.(undefined),
  });
  const onAbort = () => void killSandbox();
  options.signal?.addEventListener("abort", onAbort, { once: true });

  let overflowReason: string | undefined;
  let killedByHost = false;
  let stderrTail = "";
  const lines = new LineChannel({
    onOverflow: (length) => {
      overflowReason = `the runtime in the E2B sandbox wrote a line of more than ${length} bytes, over the protocol's limit`;
      void killSandbox();
    },
  });
  const stderrLines = new LineChannel({ maxLineLength: 1024 * 1024 });
  void (async () => {
    for await (const line of stderrLines) lines.writeLine(line);
  })();

  let handle: CommandHandle | undefined;
  try {
    handle = await sandbox.commands.run(bootstrapShellCommand(), {
      background: true,
      stdin: true,
      // The runtime lives as long as the executor: no deadline on its output stream.
      timeoutMs: 0,
      onStdout: (data) => {
        lines.write(data);
        if (handle) forgetBufferedOutput(handle);
      },
      onStderr: (data) => {
        stderrTail = (stderrTail + data).slice(-STDERR_TAIL_LENGTH);
        stderrLines.write(data);
        if (handle) forgetBufferedOutput(handle);
      },
    });
    await handle.sendStdin(bootstrapPayload(options.runtimeSource));
    options.signal?.throwIfAborted();
  } catch (error) {
    await killSandbox();
    if (options.signal?.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ExecutorError(
      `E2BExecutor: the sandbox started but the runtime could not (${message}). The template "${options.template}" must have python3 on its PATH.`,
      { cause: error },
    );
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }

  const command = handle;
  let resolveKilled!: () => void;
  const killed = new Promise<string>((resolve) => {
    resolveKilled = () => resolve("was killed");
  });
  const exited = command.wait().then(
    (result) => `exited with code ${result.exitCode}`,
    (error: unknown) => {
      const exit = error as { exitCode?: number; name?: string; message?: string };
      if (exit.name === "CommandExitError") return `exited with code ${exit.exitCode}`;
      return `stopped: ${exit.message ?? String(error)}`;
    },
  );
  const closed = Promise.race([exited, killed]).then((status) => {
    stderrLines.end();
    lines.end();
    void killSandbox();
    if (overflowReason) return { reason: overflowReason };
    if (killedByHost) return { reason: "the E2B sandbox was killed by the host" };
    const tail = stderrTail.trim() ? `; its last error output:\n${stderrTail.trim()}` : "";
    return { reason: `the runtime in the E2B sandbox ${status}${tail}` };
  });

  const write = orderedWriter(async (line: string) => {
    try {
      await command.sendStdin(`${line}\n`);
    } catch (error) {
      throw new ExecutorError("E2BExecutor: could not write to the runtime in the sandbox", { cause: error });
    }
  });

  return {
    lines,
    closed,
    writeLine: write,
    kill: async () => {
      killedByHost = true;
      await killSandbox();
      // The output stream ends when the sandbox dies; do not wait on it if it lingers.
      await command.disconnect().catch(() => {});
      resolveKilled();
      await closed;
    },
  };
}

/** The API call that `Sandbox.kill` makes, for the end of the process (where only a child process can send it). */
function killRequest(sandboxOptions: SandboxOpts, sandboxId: string): RemovalRequest {
  const connection = new ConnectionConfig(sandboxOptions);
  return {
    method: "DELETE",
    url: `${connection.apiUrl}/sandboxes/${encodeURIComponent(sandboxId)}`,
    headers: { ...connection.headers, ...(connection.apiKey ? { "X-API-KEY": connection.apiKey } : {}) },
  };
}
