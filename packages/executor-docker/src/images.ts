import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { ExecutorError } from "@smol/core";
import type Docker from "dockerode";
import { type DockerConnection, engineStatus, engineUnreachableError } from "./docker-connection.js";

/** An image built from a Dockerfile when the executor starts, for code that needs packages. */
export type DockerImageBuild = (
  | {
      /** The Dockerfile's text; the build context holds only this Dockerfile. */
      dockerfile: string;
    }
  | {
      /** Path of a Dockerfile; the build context is `context`, by default its directory. */
      dockerfilePath: string;
      context?: string;
    }
) & {
  /** Tag of the built image; default `smol-executor:<hash of the Dockerfile>`. */
  tag?: string;
  /** Network of the build's `RUN` steps (e.g. `"host"` when the engine has no default bridge). */
  networkMode?: string;
  buildArgs?: Record<string, string>;
};

/** Reports start-up steps that can take a while (pulling, building). */
export type ProgressListener = (message: string) => void;

export function imageMissingError(image: string, engine: string, cause?: unknown): ExecutorError {
  return new ExecutorError(
    `DockerExecutor: the image "${image}" is not on the Docker engine at ${engine}. Pull it ` +
      `(\`docker pull ${image}\`), build one with the \`buildImage\` option (a Dockerfile that starts ` +
      `FROM a Python image), or pass \`image\` naming an image that has python3.`,
    { cause },
  );
}

/**
 * Makes sure `image` is on the engine: pulls it when missing and `pull` allows, else explains
 * how to get it.
 */
export async function ensureImage(
  connection: DockerConnection,
  image: string,
  options: { pull: boolean; onProgress?: ProgressListener },
): Promise<void> {
  const { docker, engine } = connection;
  try {
    await docker.getImage(image).inspect();
    return;
  } catch (error) {
    const unreachable = engineUnreachableError(error, engine);
    if (unreachable) throw unreachable;
    if (engineStatus(error).statusCode !== 404) {
      throw new ExecutorError(
        `DockerExecutor: could not inspect the image "${image}": ${engineStatus(error).message}`,
        {
          cause: error,
        },
      );
    }
  }
  if (!options.pull) throw imageMissingError(image, engine);
  options.onProgress?.(`Pulling the image ${image}…`);
  try {
    const stream = await docker.pull(image);
    await followToEnd(docker, stream);
  } catch (error) {
    throw new ExecutorError(
      `DockerExecutor: the image "${image}" is not on the engine at ${engine} and pulling it failed ` +
        `(${describe(error)}). Pull it yourself (\`docker pull ${image}\`, or \`docker load\` on a machine ` +
        "without a registry), or build one with the `buildImage` option.",
      { cause: error },
    );
  }
  options.onProgress?.(`Pulled the image ${image}.`);
}

/** Builds the image and returns its tag. A Dockerfile given as text is built once per tag. */
export async function buildImage(
  connection: DockerConnection,
  build: DockerImageBuild,
  onProgress?: ProgressListener,
): Promise<string> {
  const { docker, engine } = connection;
  const inline = "dockerfile" in build;
  const tag =
    build.tag ??
    `smol-executor:${createHash("sha256")
      .update(inline ? build.dockerfile : resolve(build.dockerfilePath))
      .digest("hex")
      .slice(0, 12)}`;
  if (inline && (await imageExists(docker, engine, tag))) return tag;

  let context: string;
  let dockerfile: string;
  let temporary: string | undefined;
  if (inline) {
    temporary = await mkdtemp(join(tmpdir(), "smol-docker-build-"));
    await writeFile(join(temporary, "Dockerfile"), build.dockerfile);
    context = temporary;
    dockerfile = "Dockerfile";
  } else {
    context = resolve(build.context ?? dirname(build.dockerfilePath));
    dockerfile = relative(context, resolve(build.dockerfilePath));
    if (dockerfile.startsWith("..")) {
      throw new ExecutorError(
        `DockerExecutor: the Dockerfile ${build.dockerfilePath} is outside its build context ${context}; ` +
          "move it into the context or set `context` to a directory that contains it.",
      );
    }
  }
  onProgress?.(
    `Building the image ${tag} from ${inline ? "the given Dockerfile" : basename(build.dockerfilePath)}…`,
  );
  try {
    const stream = await docker.buildImage(
      { context, src: await readdir(context) },
      {
        t: tag,
        dockerfile,
        rm: true,
        forcerm: true,
        ...(build.networkMode ? { networkmode: build.networkMode } : {}),
        ...(build.buildArgs ? { buildargs: build.buildArgs } : {}),
      },
    );
    await followToEnd(docker, stream, (line) => onProgress?.(line));
  } catch (error) {
    throw (
      engineUnreachableError(error, engine) ??
      new ExecutorError(`DockerExecutor: building the image ${tag} failed: ${describe(error)}`, {
        cause: error,
      })
    );
  } finally {
    if (temporary) await rm(temporary, { recursive: true, force: true });
  }
  onProgress?.(`Built the image ${tag}.`);
  return tag;
}

async function imageExists(docker: Docker, engine: string, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (error) {
    const unreachable = engineUnreachableError(error, engine);
    if (unreachable) throw unreachable;
    return false;
  }
}

/** Reads a pull or build progress stream to its end; an error item in it rejects. */
function followToEnd(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  onLine?: (line: string) => void,
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    docker.modem.followProgress(
      stream,
      (error: unknown, output: Array<{ error?: string; errorDetail?: { message?: string } }>) => {
        const failed = output.find((item) => item.error || item.errorDetail);
        if (error) reject(error);
        else if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error ?? "unknown error"));
        else resolvePromise();
      },
      (item: { stream?: string; status?: string }) => {
        const line = (item.stream ?? item.status ?? "").trim();
        if (line) onLine?.(line);
      },
    );
  });
}

function describe(error: unknown): string {
  return engineStatus(error).message;
}
