import { ExecutorError, type PythonExecutorOptions } from "@smol/core";
import {
  RuntimeExecutor,
  type RuntimeTransport,
  type RuntimeTransportFactory,
  readRuntimeSource,
} from "@smol/core/executor-kit";
import type Docker from "dockerode";
import { containerCreateOptions } from "./container-spec.js";
import { startContainerRuntime } from "./container-transport.js";
import { connectToDocker, type DockerConnection, type DockerConnectionOptions } from "./docker-connection.js";
import { buildImage, type DockerImageBuild, ensureImage, type ProgressListener } from "./images.js";

/** The image used when neither `image` nor `buildImage` is given: small, official, has python3. */
export const DEFAULT_DOCKER_IMAGE = "python:3.12-slim";

export interface DockerExecutorOptions extends PythonExecutorOptions, DockerConnectionOptions {
  /** An image with `python3` on its PATH; default `python:3.12-slim`. */
  image?: string;
  /** Builds the image from a Dockerfile at the first start instead (for code that needs packages). */
  buildImage?: DockerImageBuild;
  /** Pull `image` when the engine does not have it; default true. */
  pullImage?: boolean;
  /** Memory limit of the container, swap included; default 1024 MB. */
  memoryLimitMb?: number;
  /** CPUs the container may use; default 1. */
  cpus?: number;
  /** Most processes and threads the container may have; default 64. */
  pidsLimit?: number;
  /** Size of the writable `/tmp` (the root filesystem is read-only); default 64 MB. */
  tmpfsSizeMb?: number;
  /**
   * The container's network; default `"none"`: tools run on the host, so the code needs none.
   * Any other value (`"bridge"`, a network name) gives the code that network.
   */
  network?: string;
  /**
   * Merged over the hardened defaults: top-level fields and `HostConfig` fields replace ours one
   * by one; `Env` and `Labels` add to ours. The command and the attached stdio stay ours.
   */
  containerOptions?: Docker.ContainerCreateOptions;
  /** How long to wait for a new container's runtime to be ready; default 60 s. */
  startTimeoutSeconds?: number;
  /** Called with start-up steps that can take a while (pulling or building the image). */
  onProgress?: ProgressListener;
}

/**
 * Runs the model's Python code in a Docker container, hardened by default: no network, a
 * read-only root filesystem with a small tmpfs at `/tmp`, all capabilities dropped,
 * no-new-privileges, memory, CPU and process limits, and the unprivileged user 65534 (nobody).
 * The smol runtime enters through the container's attached stdin (no bind mount of host paths);
 * tools stay on the host and are called back over the protocol, so no secret enters the container.
 *
 * One container per executor, started at the first call (or `start()`) and reused across runs;
 * a run that times out kills the container and the next run gets a fresh one. `cleanup()`
 * removes it, and so does the end of the process (exit, SIGINT, SIGTERM). Every container is
 * labelled `smol.executor=1`.
 *
 * @example
 * import { DockerExecutor } from "@smol/executor-docker";
 *
 * await using executor = new DockerExecutor({ image: "python:3.12-slim", memoryLimitMb: 512 });
 * const result = await executor.run("import math\nmath.sqrt(2)");
 * result.output; // 1.4142135623730951
 */
export class DockerExecutor extends RuntimeExecutor {
  readonly executorType = "docker";
  /** The engine this executor talks to, e.g. `unix:///var/run/docker.sock`. */
  readonly engine: string;
  readonly #connection: DockerConnection;
  readonly #options: DockerExecutorOptions;
  #image: Promise<string> | undefined;
  #containerId: string | undefined;

  constructor(options: DockerExecutorOptions = {}) {
    const factory: { start?: RuntimeTransportFactory } = {};
    super({
      ...options,
      name: "DockerExecutor",
      createTransport: (signal) => factory.start!(signal),
    });
    validateLimits(options);
    this.#options = options;
    this.#connection = connectToDocker(options);
    this.engine = this.#connection.engine;
    factory.start = (signal) => this.#startContainer(signal);
  }

  /** The id of the container running now, if any (for inspection and diagnostics). */
  get containerId(): string | undefined {
    return this.#containerId;
  }

  /** The dockerode client, for what this class does not cover. */
  get docker(): Docker {
    return this.#connection.docker;
  }

  async #startContainer(signal?: AbortSignal): Promise<RuntimeTransport> {
    const image = await this.#readyImage();
    const options = this.#options;
    const memoryLimitMb = options.memoryLimitMb ?? 1024;
    const runtime = await startContainerRuntime({
      connection: this.#connection,
      createOptions: containerCreateOptions(
        {
          image,
          network: options.network ?? "none",
          memoryLimitMb,
          cpus: options.cpus ?? 1,
          pidsLimit: options.pidsLimit ?? 64,
          tmpfsSizeMb: options.tmpfsSizeMb ?? 64,
        },
        options.containerOptions,
      ),
      runtimeSource: readRuntimeSource(),
      memoryLimitMb,
      ...(signal ? { signal } : {}),
    });
    this.#containerId = runtime.containerId;
    void runtime.transport.closed.then(() => {
      if (this.#containerId === runtime.containerId) this.#containerId = undefined;
    });
    return runtime.transport;
  }

  /** Pulls or builds the image once; a failure is retried at the next start. */
  #readyImage(): Promise<string> {
    this.#image ??= (async () => {
      const { buildImage: build, onProgress } = this.#options;
      if (build) return await buildImage(this.#connection, build, onProgress);
      const image = this.#options.image ?? DEFAULT_DOCKER_IMAGE;
      await ensureImage(this.#connection, image, {
        pull: this.#options.pullImage ?? true,
        ...(onProgress ? { onProgress } : {}),
      });
      return image;
    })();
    const image = this.#image;
    image.catch(() => {
      if (this.#image === image) this.#image = undefined;
    });
    return image;
  }
}

function validateLimits(options: DockerExecutorOptions): void {
  const checks: Array<[string, number | undefined, number]> = [
    ["memoryLimitMb", options.memoryLimitMb, 6],
    ["cpus", options.cpus, 0.01],
    ["pidsLimit", options.pidsLimit, 4],
    ["tmpfsSizeMb", options.tmpfsSizeMb, 1],
  ];
  for (const [name, value, minimum] of checks) {
    if (value !== undefined && !(value >= minimum && Number.isFinite(value))) {
      throw new ExecutorError(
        `DockerExecutor: ${name} must be a number of at least ${minimum}, got ${value}.`,
      );
    }
  }
  if (options.image && options.buildImage) {
    throw new ExecutorError(
      "DockerExecutor: give either `image` or `buildImage`, not both (`buildImage.tag` names the built image).",
    );
  }
}
