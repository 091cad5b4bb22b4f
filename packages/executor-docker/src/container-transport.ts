import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { PassThrough } from "node:stream";
import { ExecutorError, LineChannel, type RuntimeTransport } from "@smol/core";
import type Docker from "dockerode";
import { AttachStreamDemultiplexer } from "./attach-stream.js";
import { bootstrapPayload } from "./bootstrap.js";
import { type DockerConnection, engineStatus, engineUnreachableError } from "./docker-connection.js";
import { imageMissingError } from "./images.js";
import { trackContainer, untrackContainer } from "./live-containers.js";

export interface ContainerRuntimeOptions {
  connection: DockerConnection;
  createOptions: Docker.ContainerCreateOptions;
  runtimeSource: string;
  /** For the message when the container is killed by its memory limit. */
  memoryLimitMb: number;
  signal?: AbortSignal;
}

/** A running runtime container: its transport, and its id for inspection. */
export interface ContainerRuntime {
  transport: RuntimeTransport;
  containerId: string;
}

const STDERR_TAIL_LENGTH = 4_000;
// 128 + SIGKILL: the kernel's OOM killer (or anyone with SIGKILL) ended the runtime.
const KILLED_EXIT_CODE = 137;

/**
 * Creates a hardened container that runs the Python runtime and returns a transport over its
 * attached stdio: stdin carries the host's lines, stdout (demultiplexed from the attach stream)
 * the runtime's, and stderr joins stdout as stray output so that what the user's code writes
 * to fd 1 or 2 ends up in the run's logs. `kill()` removes the container.
 *
 * Like a child process, the container's connections do not keep Node's event loop alive on
 * their own; a container still running when the process ends is removed by an exit hook.
 */
export async function startContainerRuntime(options: ContainerRuntimeOptions): Promise<ContainerRuntime> {
  const { docker, engine, endpoint } = options.connection;
  options.signal?.throwIfAborted();
  let container: Docker.Container;
  try {
    container = await docker.createContainer(options.createOptions);
  } catch (error) {
    throw describeCreateError(error, engine, options.createOptions.Image ?? "");
  }

  let removal: Promise<void> | undefined;
  const remove = (): Promise<void> => {
    removal ??= container
      .remove({ force: true })
      .catch(() => {
        // Already gone (removed by the engine after exit, or by an earlier call).
      })
      .finally(() => untrackContainer(container.id));
    return removal;
  };
  trackContainer({ id: container.id, endpoint, remove });
  const onAbort = () => void remove();
  options.signal?.addEventListener("abort", onAbort, { once: true });

  try {
    const socket = (await container.attach({
      stream: true,
      stdin: true,
      stdout: true,
      stderr: true,
      hijack: true,
    })) as Socket;
    const exit = waitUntilGone(docker, container.id);
    await exit.registered;
    await container.start();
    options.signal?.throwIfAborted();
    const transport = wireTransport(socket, exit.gone, remove, options.memoryLimitMb);
    await transport.writeBytes(bootstrapPayload(options.runtimeSource));
    return { transport: transport.transport, containerId: container.id };
  } catch (error) {
    await remove();
    if (ExecutorError.isInstance(error) || options.signal?.aborted) throw error;
    throw (
      engineUnreachableError(error, engine) ??
      new ExecutorError(`DockerExecutor: could not start the runtime container: ${engineStatus(error).message}`, {
        cause: error,
      })
    );
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
}

function wireTransport(
  socket: Socket,
  exit: Promise<number | null>,
  remove: () => Promise<void>,
  memoryLimitMb: number,
): { transport: RuntimeTransport; writeBytes(bytes: Buffer): Promise<void> } {
  let killedByHost = false;
  let stderrTail = "";
  let overflowReason: string | undefined;
  const lines = new LineChannel({
    onOverflow: (length) => {
      overflowReason = `the runtime container wrote a line of more than ${length} bytes, over the protocol's limit`;
      void remove();
    },
  });
  const stderrLines = new LineChannel({ maxLineLength: 1024 * 1024 });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on("data", (chunk: Buffer) => lines.write(chunk));
  stderr.on("data", (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL_LENGTH);
    stderrLines.write(chunk);
  });
  void (async () => {
    for await (const line of stderrLines) lines.write(`${line}\n`);
  })();
  // The attach stream multiplexes stdout and stderr in frames (Tty: false): split them.
  const demultiplexer = new AttachStreamDemultiplexer(
    (chunk) => stdout.write(chunk),
    (chunk) => stderr.write(chunk),
  );
  socket.on("data", (chunk: Buffer) => demultiplexer.push(chunk));
  const endOutput = () => {
    stderrLines.end();
    lines.end();
  };
  socket.once("end", endOutput);
  socket.once("close", endOutput);
  // Writing after the container died raises EPIPE or ECONNRESET; `closed` reports the death.
  socket.on("error", () => {});
  socket.unref();

  const closed = exit.then((exitCode) => {
    endOutput();
    void remove();
    if (overflowReason) return { reason: overflowReason };
    if (killedByHost) return { reason: "the runtime container was removed by the host" };
    const tail = stderrTail.trim() ? `; its last error output:\n${stderrTail.trim()}` : "";
    if (exitCode === KILLED_EXIT_CODE) {
      return {
        reason: `the runtime container was killed (exit code 137), most likely by its memory limit of ${memoryLimitMb} MB${tail}`,
        errorType: "MemoryError",
      };
    }
    const status = exitCode === null ? "stopped (the engine lost track of it)" : `exited with code ${exitCode}`;
    return { reason: `the runtime container ${status}${tail}` };
  });

  const writeBytes = (bytes: Buffer | string) =>
    new Promise<void>((resolve, reject) => {
      if (socket.destroyed || !socket.writable) {
        reject(new ExecutorError("The runtime container's input is closed"));
        return;
      }
      socket.write(bytes, (error) =>
        error ? reject(new ExecutorError("Could not write to the runtime container", { cause: error })) : resolve(),
      );
    });

  return {
    writeBytes,
    transport: {
      lines,
      closed,
      writeLine: (line) => writeBytes(`${line}\n`),
      kill: async () => {
        killedByHost = true;
        await remove();
        socket.destroy();
        await closed;
      },
    },
  };
}

/**
 * Waits for the container to be gone (exited and removed). The engine answers the wait request
 * with its headers as soon as the wait is registered, so awaiting `registered` before the start
 * guarantees that even an immediate exit is seen. `gone` resolves with the exit code (null if
 * the engine cannot say). Its connection is unreferenced like the attach stream's.
 */
function waitUntilGone(docker: Docker, containerId: string): { registered: Promise<void>; gone: Promise<number | null> } {
  let registered!: () => void;
  const registeredPromise = new Promise<void>((resolve) => {
    registered = resolve;
  });
  const gone = new Promise<number | null>((resolve) => {
    docker.modem.dial(
      {
        path: `/containers/${containerId}/wait?`,
        method: "POST",
        isStream: true,
        statusCodes: { 200: true, 404: "no such container", 500: "server error" },
        options: { condition: "removed" },
      },
      (error: unknown, result: unknown) => {
        registered();
        const response = result as IncomingMessage | undefined;
        if (error || !response) {
          resolve(null);
          return;
        }
        response.socket?.unref();
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("error", () => resolve(null));
        response.on("close", () => {
          try {
            const status = (JSON.parse(body) as { StatusCode?: unknown }).StatusCode;
            resolve(typeof status === "number" ? status : null);
          } catch {
            resolve(null);
          }
        });
      },
    );
  });
  return { registered: registeredPromise, gone };
}

function describeCreateError(error: unknown, engine: string, image: string): ExecutorError {
  const unreachable = engineUnreachableError(error, engine);
  if (unreachable) return unreachable;
  const { statusCode, message } = engineStatus(error);
  if (statusCode === 404 && /no such image/i.test(message)) return imageMissingError(image, engine, error);
  return new ExecutorError(`DockerExecutor: the engine at ${engine} refused to create the container: ${message}`, {
    cause: error,
  });
}
