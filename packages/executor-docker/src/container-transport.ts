import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { ExecutorError } from "@smol/core";
import {
  LineChannel,
  ownedSandboxRemoval,
  type RemovalRequest,
  type RuntimeTransport,
} from "@smol/core/executor-kit";
import type Docker from "dockerode";
import { AttachStreamDemultiplexer } from "./attach-stream.js";
import { bootstrapPayload } from "./bootstrap.js";
import {
  type DockerConnection,
  type DockerEndpoint,
  engineStatus,
  engineUnreachableError,
} from "./docker-connection.js";
import { imageMissingError } from "./images.js";

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
/** What starts every protocol line of the runtime (`smol:<nonce> {…}`). */
const PROTOCOL_LINE_START = "smol:";

/**
 * Creates a hardened container that runs the Python runtime and returns a transport over its
 * attached stdio: stdin carries the host's lines, stdout (demultiplexed from the attach stream)
 * the runtime's, and stderr joins stdout as stray output so that what the user's code writes
 * to fd 1 or 2 ends up in the run's logs. `kill()` removes the container.
 *
 * The connection keeps Node's event loop alive only while the host waits for an answer: an idle
 * executor that was never cleaned up does not hang the process, and its container is then
 * removed when the process ends (`removeOnProcessExit`).
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

  const removalRequest = containerRemovalRequest(endpoint, container.id);
  const remove = ownedSandboxRemoval({
    remove: () => container.remove({ force: true }),
    ...(removalRequest ? { removalRequest } : {}),
  });
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
    const gone = waitUntilGone(docker, container.id);
    await gone.registered;
    await container.start();
    options.signal?.throwIfAborted();
    const transport = wireTransport(socket, gone, remove, options.memoryLimitMb);
    await transport.writeLine(Buffer.from(bootstrapPayload(options.runtimeSource)));
    return { transport, containerId: container.id };
  } catch (error) {
    await remove();
    if (ExecutorError.isInstance(error) || options.signal?.aborted) throw error;
    throw (
      engineUnreachableError(error, engine) ??
      new ExecutorError(startFailureMessage(engineStatus(error).message, options.createOptions.Image ?? ""), {
        cause: error,
      })
    );
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
}

type Transport = Omit<RuntimeTransport, "writeLine"> & { writeLine(line: string | Buffer): Promise<void> };

function wireTransport(
  socket: Socket,
  gone: ContainerGone,
  remove: () => Promise<void>,
  memoryLimitMb: number,
): Transport {
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
  void (async () => {
    for await (const line of stderrLines) lines.writeLine(line);
  })();
  // A whole protocol line answers the host's last request: until the host writes again, it
  // waits for nothing, and the connection must not keep the process alive. (A big line spans
  // several frames: release only once its end has arrived.)
  let protocolLineStarted = false;
  // Tty: false, so the attach stream multiplexes stdout and stderr in frames: split them.
  const demultiplexer = new AttachStreamDemultiplexer(
    (chunk) => {
      if (chunk.includes(PROTOCOL_LINE_START)) protocolLineStarted = true;
      if (protocolLineStarted && chunk.at(-1) === 0x0a) {
        protocolLineStarted = false;
        socket.unref();
      }
      lines.write(chunk);
    },
    (chunk) => {
      stderrTail = (stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL_LENGTH);
      stderrLines.write(chunk);
    },
  );
  socket.on("data", (chunk: Buffer) => demultiplexer.push(chunk));
  const endOutput = () => {
    stderrLines.end();
    lines.end();
  };
  const onContainerOutputEnd = () => {
    endOutput();
    // The container is going by itself: hold the process until the engine says it is gone.
    if (!killedByHost) gone.holdProcess();
  };
  socket.once("end", onContainerOutputEnd);
  socket.once("close", onContainerOutputEnd);
  // Writing after the container died raises EPIPE or ECONNRESET; `closed` reports the death.
  socket.on("error", () => {});

  let resolveKilled!: () => void;
  const killed = new Promise<null>((resolve) => {
    resolveKilled = () => resolve(null);
  });
  const closed = Promise.race([gone.exitCode, killed]).then((exitCode) => {
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
    const status =
      exitCode === null ? "stopped (the engine lost track of it)" : `exited with code ${exitCode}`;
    return { reason: `the runtime container ${status}${tail}` };
  });

  return {
    lines,
    closed,
    writeLine: (line) =>
      new Promise<void>((resolve, reject) => {
        if (socket.destroyed || !socket.writable) {
          reject(new ExecutorError("The runtime container's input is closed"));
          return;
        }
        // The host now waits for an answer: keep the process alive until it comes.
        socket.ref();
        const bytes = typeof line === "string" ? `${line}\n` : line;
        socket.write(bytes, (error) =>
          error
            ? reject(new ExecutorError("Could not write to the runtime container", { cause: error }))
            : resolve(),
        );
      }),
    kill: async () => {
      killedByHost = true;
      // Once the engine answered the removal, the container is gone: no need to wait for the
      // wait request's own answer.
      await remove();
      socket.destroy();
      resolveKilled();
      await closed;
    },
  };
}

interface ContainerGone {
  /** Resolves once the engine has registered the wait: start the container after it. */
  registered: Promise<void>;
  /** The exit code once the container is gone (exited and removed), null if unknown. */
  exitCode: Promise<number | null>;
  /** From now on, the wait keeps the process alive (by default it does not). */
  holdProcess(): void;
}

/**
 * Asks the engine to answer when the container is gone. The engine sends the headers as soon
 * as the wait is registered, so starting the container after `registered` guarantees that even
 * an immediate exit is seen.
 */
function waitUntilGone(docker: Docker, containerId: string): ContainerGone {
  let registered!: () => void;
  const registeredPromise = new Promise<void>((resolve) => {
    registered = resolve;
  });
  let response: IncomingMessage | undefined;
  let hold = false;
  const exitCode = new Promise<number | null>((resolve) => {
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
        response = result as IncomingMessage | undefined;
        if (error || !response) {
          resolve(null);
          return;
        }
        if (!hold) response.socket?.unref();
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
  return {
    registered: registeredPromise,
    exitCode,
    holdProcess: () => {
      hold = true;
      response?.socket?.ref();
    },
  };
}

function describeCreateError(error: unknown, engine: string, image: string): ExecutorError {
  const unreachable = engineUnreachableError(error, engine);
  if (unreachable) return unreachable;
  const { statusCode, message } = engineStatus(error);
  if (statusCode === 404 && /no such image/i.test(message)) return imageMissingError(image, engine, error);
  return new ExecutorError(
    `DockerExecutor: the engine at ${engine} refused to create the container: ${message}`,
    {
      cause: error,
    },
  );
}

function startFailureMessage(message: string, image: string): string {
  const hint = /executable file not found|no such file or directory/i.test(message)
    ? ` The image ${image} must have python3 on its PATH.`
    : "";
  return `DockerExecutor: could not start the runtime container: ${message}.${hint}`;
}

/**
 * The engine call that removes the container, for the end of the process. TLS and ssh engines
 * get none: the container's stdin closes with this process, its runtime then exits and the
 * engine removes it (AutoRemove), unless user code is still running.
 */
function containerRemovalRequest(endpoint: DockerEndpoint, id: string): RemovalRequest | undefined {
  const path = `/containers/${encodeURIComponent(id)}?force=true`;
  if (endpoint.kind === "socket") return { method: "DELETE", socketPath: endpoint.socketPath, path };
  if (endpoint.kind === "http")
    return { method: "DELETE", url: `http://${endpoint.host}:${endpoint.port}${path}` };
  return undefined;
}
