import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { connectToDocker } from "../docker-connection.js";

/**
 * How the tests find a real Docker engine: SMOL_DOCKER_HOST, else the env file written by
 * scripts/docker/start-engine.sh, else that script's default socket.
 */
export const engineHost =
  process.env.SMOL_DOCKER_HOST ?? hostFromEnvFile() ?? "unix:///tmp/smol-docker/docker.sock";

/** The debootstrap'd image start-engine.sh builds (no registry is reachable to pull one). */
export const testImage = process.env.SMOL_DOCKER_TEST_IMAGE ?? "smol-python:bookworm";

/** Labels every container of one test file, so its leftovers can be counted apart from others'. */
export const testRunLabel = { key: "smol.test-run", value: randomUUID() };

export type EngineProbe = { available: true } | { available: false; reason: string };

export async function probeEngine(): Promise<EngineProbe> {
  const { docker } = connectToDocker({ host: engineHost });
  try {
    await docker.ping();
  } catch (error) {
    return { available: false, reason: `no Docker engine answers at ${engineHost} (${describe(error)})` };
  }
  try {
    await docker.getImage(testImage).inspect();
  } catch (error) {
    return {
      available: false,
      reason: `the engine at ${engineHost} has no image ${testImage} (${describe(error)})`,
    };
  }
  return { available: true };
}

/** Says loudly why the Docker tests are skipped; in CI a missing engine is a failure instead. */
export function warnEngineMissing(probe: EngineProbe): void {
  if (probe.available) return;
  console.warn(
    [
      "",
      "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
      `!!! DockerExecutor tests SKIPPED: ${probe.reason}.`,
      "!!! Start the test engine (root, Debian): ./scripts/docker/start-engine.sh",
      "!!! or point SMOL_DOCKER_HOST at an engine that has the image (SMOL_DOCKER_TEST_IMAGE).",
      "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
      "",
    ].join("\n"),
  );
}

/** Ids of this test file's containers the engine still has, running or not. */
export async function leftoverContainers(): Promise<string[]> {
  const { docker } = connectToDocker({ host: engineHost });
  const containers = await docker.listContainers({
    all: true,
    filters: { label: ["smol.executor=1", `${testRunLabel.key}=${testRunLabel.value}`] },
  });
  return containers.map((container) => container.Id);
}

function hostFromEnvFile(): string | undefined {
  try {
    const text = readFileSync(`${process.env.SMOL_DOCKER_DIR ?? "/tmp/smol-docker"}/env`, "utf8");
    return /^SMOL_DOCKER_HOST=(.+)$/m.exec(text)?.[1]?.trim();
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return code ?? message ?? String(error);
}
