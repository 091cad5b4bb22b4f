import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { ModelConfigurationError } from "@smol/core";

export interface MlxServerOptions {
  modelId: string;
  /** The executable; default `mlx_lm.server`, found on the PATH. */
  command: string;
  /** Extra arguments after `--model`, `--host` and `--port`. */
  serverArguments: readonly string[];
  host: string;
  /** Default: a free port. */
  port?: number;
  /** How long the first start may take, model download included. */
  startupTimeoutMs: number;
  /** What the server writes while it starts (download progress, load messages). */
  onOutput: (text: string) => void;
}

/** How often to ask a starting server whether it answers yet. */
const readinessPollMs = 200;
/** After SIGTERM, how long the server has to exit before SIGKILL. */
const stopGraceMs = 5_000;
/** The end of the server's output kept for an error message. */
const outputTailLength = 2_000;

/**
 * One `mlx_lm.server` child process: started on demand, ready once `GET /v1/models` answers,
 * stopped with SIGTERM (then SIGKILL). If it exits, the next `start()` starts a new one. It is
 * also killed when Node exits, so that no server outlives the program that started it.
 *
 * @example
 * const server = new MlxServerProcess({ modelId, command: "mlx_lm.server", serverArguments: [], host: "127.0.0.1", startupTimeoutMs: 600_000, onOutput: () => {} });
 * const baseUrl = await server.start(); // "http://127.0.0.1:53121"
 * await server.stop();
 */
export class MlxServerProcess {
  private child: ChildProcess | undefined;
  private starting: Promise<string> | undefined;
  private readonly killOnExit = () => this.child?.kill("SIGKILL");

  constructor(private readonly options: MlxServerOptions) {}

  /** The server's base URL (`http://host:port`), once started. */
  start(signal?: AbortSignal): Promise<string> {
    this.starting ??= this.startOnce(signal).catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.starting = undefined;
    process.off("exit", this.killOnExit);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), stopGraceMs);
    await exited;
    clearTimeout(timer);
  }

  private async startOnce(signal: AbortSignal | undefined): Promise<string> {
    const { modelId, command, serverArguments, host, startupTimeoutMs } = this.options;
    const port = this.options.port ?? (await freePort(host));
    const baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    const child = spawn(
      command,
      ["--model", modelId, "--host", host, "--port", String(port), ...serverArguments],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    this.child = child;
    process.on("exit", this.killOnExit);
    let output = "";
    let ready = false;
    const record = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      output = (output + text).slice(-outputTailLength);
      if (!ready) this.options.onOutput(text);
    };
    child.stdout?.on("data", record);
    child.stderr?.on("data", record);
    child.once("exit", () => {
      // A server that dies is started again by the next call.
      if (this.child === child) {
        this.child = undefined;
        this.starting = undefined;
        process.off("exit", this.killOnExit);
      }
    });

    const failure = new Promise<never>((_, reject) => {
      child.once("error", (error: NodeJS.ErrnoException) => {
        reject(
          error.code === "ENOENT"
            ? new ModelConfigurationError(
                `MLXModel could not find \`${command}\`. Install mlx-lm (\`pip install mlx-lm\`) so that it is on the PATH, or pass \`command\` with its path.`,
                { cause: error },
              )
            : new ModelConfigurationError(`MLXModel could not start \`${command}\`: ${error.message}`, {
                cause: error,
              }),
        );
      });
      child.once("exit", (code, exitSignal) => {
        reject(
          new ModelConfigurationError(
            `${command} exited (${exitSignal ?? `code ${code}`}) before serving ${modelId}. Its last output:\n${output.trim() || "(none)"}`,
          ),
        );
      });
    });
    try {
      await Promise.race([waitUntilServing(baseUrl, startupTimeoutMs, signal), failure]);
    } catch (error) {
      await this.stop();
      if (signal?.aborted) throw signal.reason;
      if (error instanceof StartupTimeout) {
        throw new ModelConfigurationError(
          `${command} did not answer at ${baseUrl} within ${Math.round(startupTimeoutMs / 1000)} s (a first start downloads the model: ` +
            `raise \`startupTimeoutMs\` for a large one). Its last output:\n${output.trim() || "(none)"}`,
        );
      }
      throw error;
    } finally {
      failure.catch(() => undefined);
    }
    ready = true;
    return baseUrl;
  }
}

class StartupTimeout extends Error {}

/** Polls `GET /v1/models` until it answers 200; throws `StartupTimeout` after `timeoutMs`. */
async function waitUntilServing(
  baseUrl: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const attempts = Math.ceil(timeoutMs / readinessPollMs) + 1;
  for (let attempt = 0; attempt < attempts && Date.now() < deadline; attempt++) {
    signal?.throwIfAborted();
    try {
      const response = await fetch(`${baseUrl}/v1/models`, {
        signal: AbortSignal.timeout(readinessPollMs * 5),
      });
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, readinessPollMs));
  }
  throw new StartupTimeout();
}

/** A port nothing listens on now, from the kernel. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
