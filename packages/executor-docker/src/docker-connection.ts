import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ExecutorError } from "@smol/core";
import Docker from "dockerode";

/** Where to reach the Docker engine; the first that is set wins. */
export interface DockerConnectionOptions {
  /** Path of the engine's unix socket, e.g. `/var/run/docker.sock`. */
  socketPath?: string;
  /** `unix:///path/to/docker.sock`, `tcp://host:2375` or `http(s)://host:port`; else `DOCKER_HOST`. */
  host?: string;
  /** Passed to dockerode as is, over the above (TLS certificates, ssh, timeouts, …). */
  dockerOptions?: Docker.DockerOptions;
}

/** A dockerode client and a readable name of the engine it talks to, for messages. */
export interface DockerConnection {
  docker: Docker;
  /** e.g. `unix:///var/run/docker.sock` or `http://10.0.0.5:2375`. */
  engine: string;
  /** How a separate process can reach the same engine (used to remove containers at exit). */
  endpoint: DockerEndpoint;
}

export type DockerEndpoint =
  | { kind: "socket"; socketPath: string }
  | { kind: "http"; host: string; port: number }
  /** TLS or ssh: reachable only through dockerode in this process. */
  | { kind: "other" };

/** Builds the client. Without options, `DOCKER_HOST` and then the usual sockets are used. */
export function connectToDocker(options: DockerConnectionOptions = {}): DockerConnection {
  const docker = new Docker({ ...connectionFromOptions(options), ...options.dockerOptions });
  const modem = docker.modem as unknown as {
    socketPath?: unknown;
    host?: string;
    port?: string | number;
    protocol?: string;
  };
  if (typeof modem.socketPath === "string") {
    return {
      docker,
      engine: `unix://${modem.socketPath}`,
      endpoint: { kind: "socket", socketPath: modem.socketPath },
    };
  }
  const protocol = modem.protocol ?? "http";
  const port = Number(modem.port ?? (protocol === "https" ? 2376 : 2375));
  const host = modem.host ?? "localhost";
  const endpoint: DockerEndpoint = protocol === "http" ? { kind: "http", host, port } : { kind: "other" };
  return { docker, engine: `${protocol}://${host}:${port}`, endpoint };
}

function connectionFromOptions(options: DockerConnectionOptions): Docker.DockerOptions {
  if (options.socketPath) return { socketPath: options.socketPath };
  if (options.host) return parseHost(options.host);
  // dockerode reads DOCKER_HOST (with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH) by itself.
  if (process.env.DOCKER_HOST) return {};
  // Without DOCKER_HOST dockerode picks the socket lazily; pick it here so messages can name it.
  const desktopSocket = join(homedir(), ".docker", "run", "docker.sock");
  return { socketPath: existsSync(desktopSocket) ? desktopSocket : "/var/run/docker.sock" };
}

function parseHost(host: string): Docker.DockerOptions {
  if (host.startsWith("unix://")) return { socketPath: host.slice("unix://".length) };
  if (host.startsWith("/")) return { socketPath: host };
  let url: URL;
  try {
    url = new URL(host.includes("://") ? host : `tcp://${host}`);
  } catch (error) {
    throw new ExecutorError(
      `DockerExecutor: cannot read the Docker host "${host}". Use unix:///path/to/docker.sock, tcp://host:port or https://host:port.`,
      { cause: error },
    );
  }
  const protocol = url.protocol === "https:" ? "https" : url.protocol === "ssh:" ? "ssh" : "http";
  const defaultPort = protocol === "https" ? 2376 : protocol === "ssh" ? 22 : 2375;
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : defaultPort,
    protocol,
    ...(protocol === "ssh" && url.username ? { username: url.username } : {}),
  };
}

/**
 * Turns a failure to talk to the engine into an error that says what to do. Errors the engine
 * answered (a missing image, a bad option) are left to the caller.
 */
export function engineUnreachableError(error: unknown, engine: string): ExecutorError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOENT" || code === "ECONNREFUSED") {
    return new ExecutorError(
      `DockerExecutor: no Docker engine answers at ${engine} (${code}). Start Docker (e.g. ` +
        "`sudo systemctl start docker`, or Docker Desktop), or point the executor at a running engine " +
        "with the `host` or `socketPath` option or the DOCKER_HOST environment variable " +
        "(e.g. DOCKER_HOST=unix:///var/run/docker.sock). In the smol repository, " +
        "`./scripts/docker/start-engine.sh` starts a private engine at unix:///tmp/smol-docker/docker.sock.",
      { cause: error },
    );
  }
  if (code === "EACCES" || code === "EPERM") {
    return new ExecutorError(
      `DockerExecutor: permission denied on the Docker engine's socket (${engine}). Add your user to the ` +
        "`docker` group (`sudo usermod -aG docker $USER`, then log in again), use rootless Docker, or " +
        "point DOCKER_HOST at an engine you may use.",
      { cause: error },
    );
  }
  if (code === "ETIMEDOUT" || code === "EHOSTUNREACH" || code === "ENOTFOUND" || code === "ECONNRESET") {
    return new ExecutorError(
      `DockerExecutor: cannot reach the Docker engine at ${engine} (${code}). Check that the engine runs ` +
        "and that DOCKER_HOST, or the `host` option, names it.",
      { cause: error },
    );
  }
  return null;
}

/** The engine's own answer (HTTP status and message), when it answered. */
export function engineStatus(error: unknown): { statusCode?: number; message: string } {
  const details = error as { statusCode?: unknown; json?: { message?: unknown }; message?: unknown } | null;
  const statusCode = typeof details?.statusCode === "number" ? details.statusCode : undefined;
  const message =
    typeof details?.json?.message === "string"
      ? details.json.message
      : typeof details?.message === "string"
        ? details.message
        : String(error);
  return statusCode === undefined ? { message } : { statusCode, message };
}
