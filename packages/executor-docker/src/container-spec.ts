import type Docker from "dockerode";
import { bootstrapCommand } from "./bootstrap.js";

/** The label on every container a DockerExecutor starts, so leftovers can be found. */
export const CONTAINER_LABEL = "smol.executor";

/** Size of the container's /dev/shm. */
export const SHM_SIZE_MB = 8;

export interface ContainerLimits {
  image: string;
  /** `"none"` (default) or a Docker network mode (`"bridge"`, a network name, …). */
  network: string;
  memoryLimitMb: number;
  cpus: number;
  pidsLimit: number;
  /** Size of the writable `/tmp` (the root filesystem is read-only). */
  tmpfsSizeMb: number;
}

/**
 * The container's create options: hardened by default, then `overrides` on top (a shallow merge
 * at the top level and inside `HostConfig`, labels and env kept from both). What the protocol
 * needs (the command, attached non-TTY stdio, the label, removal when the runtime ends) cannot
 * be overridden.
 */
export function containerCreateOptions(
  limits: ContainerLimits,
  overrides: Docker.ContainerCreateOptions = {},
): Docker.ContainerCreateOptions {
  const memoryBytes = Math.round(limits.memoryLimitMb * 1024 * 1024);
  const hardened: Docker.ContainerCreateOptions = {
    Image: limits.image,
    Cmd: bootstrapCommand(),
    // nobody:nogroup. A numeric id needs no entry in the image's /etc/passwd.
    User: "65534:65534",
    WorkingDir: "/tmp",
    Env: ["HOME=/tmp"],
    Labels: { [CONTAINER_LABEL]: "1" },
    // The runtime speaks over stdin/stdout: stdin stays open while the host is attached, and
    // closes when the host detaches (StdinOnce), so an idle runtime exits with its host.
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    OpenStdin: true,
    StdinOnce: true,
    Tty: false,
    HostConfig: {
      NetworkMode: limits.network,
      ReadonlyRootfs: true,
      Tmpfs: { "/tmp": `rw,nosuid,nodev,noexec,size=${limits.tmpfsSizeMb}m` },
      // /dev/shm is the other writable mount (Docker's default: 64 MB). Python needs it only for
      // multiprocessing's semaphores: a few MB are plenty.
      ShmSize: SHM_SIZE_MB * 1024 * 1024,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      Memory: memoryBytes,
      // Equal to Memory: no swap on top of the limit.
      MemorySwap: memoryBytes,
      NanoCpus: Math.round(limits.cpus * 1e9),
      PidsLimit: limits.pidsLimit,
      // A container whose runtime ended (crash, host gone) is removed by the engine itself.
      AutoRemove: true,
    },
  };
  return {
    ...hardened,
    ...overrides,
    Cmd: hardened.Cmd,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    OpenStdin: true,
    StdinOnce: true,
    Tty: false,
    Labels: { ...overrides.Labels, ...hardened.Labels },
    Env: [...(hardened.Env ?? []), ...(overrides.Env ?? [])],
    HostConfig: { ...hardened.HostConfig, ...overrides.HostConfig, AutoRemove: true },
  };
}
