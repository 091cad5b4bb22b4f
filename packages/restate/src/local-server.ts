import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/**
 * The settings that keep a local restate-server and its npm package quiet. restate-server 1.7.12
 * has no setting for its start-up release check (a look-up of api.github.com, spawned
 * unconditionally): only a network without a route out stops that one.
 */
export const QUIET_RESTATE_ENV: Readonly<Record<string, string>> = {
  // The daily usage ping (restate.gateway.scarf.sh), sent from start-up on.
  RESTATE_DISABLE_TELEMETRY: "true",
  // The npm package's dependency @scarf/scarf reports installs unless told not to.
  SCARF_ANALYTICS: "false",
  DO_NOT_TRACK: "1",
};

export interface LocalRestateServerOptions {
  /** The restate-server binary; found from the `@restatedev/restate-server` npm package by default. */
  binary?: string;
  /** Where that package is looked up from (default: the working directory). */
  resolveFrom?: string;
  /** Extra environment, e.g. `RESTATE_WORKER__INVOKER__INACTIVITY_TIMEOUT`. */
  env?: Record<string, string>;
  /** How long to wait for the server to answer (default 60 s). */
  startTimeoutMs?: number;
}

export interface LocalRestateServer extends AsyncDisposable {
  /** The ingress, what `durableAgentClient` takes. */
  readonly ingressUrl: string;
  readonly adminUrl: string;
  readonly process: ChildProcess;
  /** Everything the server logged so far. */
  readonly log: string;
  /** Registers a worker (`http://127.0.0.1:<port>`) through the admin API; `force` replaces one at that URL. */
  register(workerUrl: string, options?: { force?: boolean }): Promise<void>;
  /** Runs a SQL query on the admin API's introspection tables (`sys_invocation`, `state`, …). */
  query<Row = Record<string, unknown>>(sql: string): Promise<Row[]>;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
}

export class RestateServerError extends Error {
  override name = "RestateServerError";
}

/**
 * Starts a single-node restate-server for development and tests: bound to 127.0.0.1 on free
 * ports, with a temporary data directory and telemetry off (see `QUIET_RESTATE_ENV` for the
 * release check it still makes).
 */
export async function startLocalRestateServer(
  options: LocalRestateServerOptions = {},
): Promise<LocalRestateServer> {
  const binary = options.binary ?? findRestateServerBinary(options.resolveFrom ?? process.cwd());
  const baseDir = await mkdtemp(join(tmpdir(), "smol-restate-"));
  const [ingress, admin, node] = await freePorts(3);
  const env = {
    ...process.env,
    ...QUIET_RESTATE_ENV,
    RESTATE_INGRESS__BIND_ADDRESS: `127.0.0.1:${ingress}`,
    RESTATE_ADMIN__BIND_ADDRESS: `127.0.0.1:${admin}`,
    RESTATE_BIND_ADDRESS: `127.0.0.1:${node}`,
    RESTATE_ADVERTISED_ADDRESS: `http://127.0.0.1:${node}/`,
    RESTATE_LISTEN_MODE: "tcp",
    RESTATE_NODE_NAME: "smol-local",
    RESTATE_DEFAULT_NUM_PARTITIONS: "4",
    ...options.env,
  };
  const child = spawn(binary, ["--no-logo", "--base-dir", baseDir, "--log-disable-ansi-codes", "true"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-200_000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const adminUrl = `http://127.0.0.1:${admin}`;
  const ingressUrl = `http://127.0.0.1:${ingress}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(baseDir, { recursive: true, force: true });
  };

  try {
    await waitUntilHealthy(
      [`${adminUrl}/health`, `${ingressUrl}/restate/health`],
      options.startTimeoutMs ?? 60_000,
      exited,
    );
  } catch (error) {
    await stop();
    throw new RestateServerError(
      `restate-server did not start: ${(error as Error).message}\n${log.slice(-4_000)}`,
    );
  }

  return {
    ingressUrl,
    adminUrl,
    process: child,
    get log() {
      return log;
    },
    async register(workerUrl, registerOptions = {}) {
      const response = await fetch(`${adminUrl}/deployments`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ uri: workerUrl, force: registerOptions.force ?? false }),
      });
      if (!response.ok) {
        throw new RestateServerError(
          `registering ${workerUrl} failed (${response.status}): ${await response.text()}`,
        );
      }
    },
    async query<Row>(sql: string) {
      const response = await fetch(`${adminUrl}/query`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ query: sql }),
      });
      if (!response.ok)
        throw new RestateServerError(`query failed (${response.status}): ${await response.text()}`);
      return ((await response.json()) as { rows: Row[] }).rows;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** The platform binary inside the `@restatedev/restate-server` npm package (spawned directly, so that a kill reaches it). */
export function findRestateServerBinary(from: string): string {
  const require = createRequire(join(from, "package.json"));
  let wrapper: string;
  try {
    wrapper = require.resolve("@restatedev/restate-server/package.json");
  } catch {
    throw new RestateServerError(
      `@restatedev/restate-server is not installed where ${from} can see it: add it as a dependency, or pass \`binary\`.`,
    );
  }
  const platformPackage = `@restatedev/restate-server-${process.platform}-${process.arch}/package.json`;
  try {
    return join(dirname(createRequire(wrapper).resolve(platformPackage)), "bin", "restate-server");
  } catch {
    throw new RestateServerError(
      `No restate-server binary for ${process.platform}-${process.arch} (${platformPackage}).`,
    );
  }
}

/** Free TCP ports on 127.0.0.1 (held together while picked, so they differ). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<import("node:net").Server>((resolve, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen(0, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as import("node:net").AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

async function waitUntilHealthy(urls: string[], timeoutMs: number, exited: Promise<void>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  for (const url of urls) {
    for (;;) {
      if (ended) throw new RestateServerError("the process exited");
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new RestateServerError(`${url} did not answer within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
