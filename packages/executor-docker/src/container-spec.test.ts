import { describe, expect, it } from "vitest";
import { CONTAINER_LABEL, containerCreateOptions } from "./container-spec.js";

const limits = {
  image: "python:3.12-slim",
  network: "none",
  memoryLimitMb: 256,
  cpus: 0.5,
  pidsLimit: 32,
  tmpfsSizeMb: 16,
};

describe("containerCreateOptions", () => {
  it("is hardened by default", () => {
    const options = containerCreateOptions(limits);
    expect(options).toMatchObject({
      Image: "python:3.12-slim",
      User: "65534:65534",
      Tty: false,
      OpenStdin: true,
      StdinOnce: true,
      Labels: { [CONTAINER_LABEL]: "1" },
    });
    expect(options.HostConfig).toEqual({
      NetworkMode: "none",
      ReadonlyRootfs: true,
      Tmpfs: { "/tmp": "rw,nosuid,nodev,noexec,size=16m" },
      ShmSize: 8 * 1024 * 1024,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      Memory: 256 * 1024 * 1024,
      MemorySwap: 256 * 1024 * 1024,
      NanoCpus: 500_000_000,
      PidsLimit: 32,
      AutoRemove: true,
    });
    expect(options.HostConfig).not.toHaveProperty("Binds");
    expect(options.Cmd?.slice(0, 5)).toEqual(["python3", "-I", "-B", "-u", "-c"]);
  });

  it("merges containerOptions field by field, adding env and labels", () => {
    const options = containerCreateOptions(limits, {
      User: "1000:1000",
      Env: ["LANG=C.UTF-8"],
      Labels: { team: "research" },
      HostConfig: { PidsLimit: 128, Runtime: "runsc" },
    });
    expect(options.User).toBe("1000:1000");
    expect(options.Env).toEqual(["HOME=/tmp", "LANG=C.UTF-8"]);
    expect(options.Labels).toEqual({ team: "research", [CONTAINER_LABEL]: "1" });
    expect(options.HostConfig).toMatchObject({
      PidsLimit: 128,
      Runtime: "runsc",
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
    });
  });

  it("keeps what the protocol needs whatever containerOptions say", () => {
    const options = containerCreateOptions(limits, {
      Cmd: ["sh"],
      Tty: true,
      OpenStdin: false,
      Labels: { [CONTAINER_LABEL]: "0" },
      HostConfig: { AutoRemove: false },
    });
    expect(options.Cmd?.[0]).toBe("python3");
    expect(options.Tty).toBe(false);
    expect(options.OpenStdin).toBe(true);
    expect(options.Labels?.[CONTAINER_LABEL]).toBe("1");
    expect(options.HostConfig?.AutoRemove).toBe(true);
  });
});
