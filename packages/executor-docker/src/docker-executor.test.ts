import { createServer, type Server } from "node:net";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { ExecutorError } from "@smol/core";
import { startTypeScriptChild } from "@smol/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  engineHost,
  leftoverContainers,
  probeEngine,
  testImage,
  testRunLabel,
  warnEngineMissing,
} from "./__tests__/test-engine.js";
import { connectToDocker } from "./docker-connection.js";
import { DockerExecutor, type DockerExecutorOptions } from "./index.js";

const engine = await probeEngine();
warnEngineMissing(engine);
const { docker } = connectToDocker({ host: engineHost });
const timeout = 90_000;

function newExecutor(options: DockerExecutorOptions = {}): DockerExecutor {
  return new DockerExecutor({
    host: engineHost,
    image: testImage,
    ...options,
    containerOptions: { ...options.containerOptions, Labels: { [testRunLabel.key]: testRunLabel.value } },
  });
}

function describeEnd(how: string, signal: string | undefined): string {
  if (signal) return `gets ${signal} while the code runs`;
  if (how === "exit") return "calls process.exit while the code runs";
  if (how === "awaits") return "awaits each request at the top level, with no run timer, then ends";
  return "ends with nothing left to do";
}

async function containerExists(id: string): Promise<boolean> {
  try {
    await docker.getContainer(id).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

describe("DockerExecutor without an engine", () => {
  it("says where it looked and how to start an engine when no engine answers", async () => {
    const socketPath = "/tmp/smol-docker-test-missing/docker.sock";
    const executor = new DockerExecutor({ socketPath, image: testImage });
    const failure = await executor.run("1").catch((error: unknown) => error);
    expect(ExecutorError.isInstance(failure)).toBe(true);
    const message = (failure as Error).message;
    expect(message).toContain(`unix://${socketPath}`);
    expect(message).toContain("DOCKER_HOST");
    expect(message).toMatch(/start/i);
    await executor.cleanup();
  });

  it("reads DOCKER_HOST when no host or socket is given", () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = "unix:///tmp/smol-docker-test-env/docker.sock";
    try {
      expect(new DockerExecutor().engine).toBe("unix:///tmp/smol-docker-test-env/docker.sock");
      expect(new DockerExecutor({ host: "tcp://127.0.0.1:2375" }).engine).toBe("http://127.0.0.1:2375");
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });

  it("refuses limits that make no sense", () => {
    expect(() => new DockerExecutor({ memoryLimitMb: 0 })).toThrow(/memoryLimitMb/);
    expect(() => new DockerExecutor({ cpus: -1 })).toThrow(/cpus/);
    expect(() => new DockerExecutor({ image: "a", buildImage: { dockerfile: "FROM a" } })).toThrow(/either/);
  });
});

describe.skipIf(!engine.available)("DockerExecutor on a real engine", () => {
  afterAll(async () => {
    // Every executor of this file was cleaned up or killed: the engine keeps none of them.
    expect(await leftoverContainers()).toEqual([]);
  });

  describe("hardening", () => {
    let executor: DockerExecutor;
    let listener: Server;
    let connections = 0;
    let port = 0;

    beforeAll(async () => {
      listener = createServer((socket) => {
        connections += 1;
        socket.destroy();
      });
      await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
      port = (listener.address() as { port: number }).port;
      executor = newExecutor({
        memoryLimitMb: 128,
        pidsLimit: 16,
        additionalAuthorizedImports: ["os", "socket", "threading", "urllib.*"],
      });
      await executor.start();
    }, timeout);
    afterAll(async () => {
      await executor?.cleanup();
      await new Promise((resolve) => listener?.close(resolve));
    });

    it("creates the container with no network, a read-only root, no capabilities and limits", async () => {
      const info = await docker.getContainer(executor.containerId!).inspect();
      expect(info.HostConfig.NetworkMode).toBe("none");
      expect(info.HostConfig.ReadonlyRootfs).toBe(true);
      expect(info.HostConfig.CapDrop).toEqual(["ALL"]);
      expect(info.HostConfig.CapAdd ?? []).toEqual([]);
      expect(info.HostConfig.SecurityOpt).toContain("no-new-privileges");
      expect(info.HostConfig.Privileged).toBe(false);
      expect(info.HostConfig.Memory).toBe(128 * 1024 * 1024);
      expect(info.HostConfig.MemorySwap).toBe(128 * 1024 * 1024);
      expect(info.HostConfig.PidsLimit).toBe(16);
      expect(info.HostConfig.NanoCpus).toBe(1e9);
      expect(info.HostConfig.Binds ?? []).toEqual([]);
      expect(info.Mounts.filter((mount) => mount.Type === "bind")).toEqual([]);
      expect(Object.keys(info.HostConfig.Tmpfs ?? {})).toEqual(["/tmp"]);
      expect(info.HostConfig.ShmSize).toBe(8 * 1024 * 1024);
      expect(info.Config.User).toBe("65534:65534");
      expect(info.Config.Labels["smol.executor"]).toBe("1");
    });

    it("runs the code as nobody, with no capabilities and no way to gain privileges", async () => {
      const output = await executor.run(
        "import os\n" +
          "status = dict(line.split(':\\t', 1) for line in open('/proc/self/status').read().splitlines() if ':\\t' in line)\n" +
          "(os.getuid(), os.getgid(), status['CapEff'].strip(), status['CapBnd'].strip(), status['NoNewPrivs'].strip())",
      );
      expect(output.error).toBeUndefined();
      expect(output.output).toEqual([65534, 65534, "0000000000000000", "0000000000000000", "1"]);
    });

    it("cannot write outside /tmp", async () => {
      const output = await executor.run(
        "results = []\nfor path in ['/escape', '/usr/escape', '/etc/passwd']:\n" +
          "    try:\n        open(path, 'a').write('x')\n        results.append((path, 'written'))\n" +
          "    except OSError as error:\n        results.append((path, error.errno))\n" +
          "open('/tmp/scratch', 'w').write('ok')\nresults.append(open('/tmp/scratch').read())\nresults",
      );
      expect(output.error).toBeUndefined();
      // EROFS (30) for the read-only root; /etc/passwd may say EACCES (13) first, as nobody.
      const [root, usr, passwd, scratch] = output.output as [string, number][];
      expect(root).toEqual(["/escape", 30]);
      expect(usr).toEqual(["/usr/escape", 30]);
      expect([13, 30]).toContain(passwd?.[1]);
      expect(scratch).toBe("ok");
    });

    it("has no network: no interface but loopback, and the host's listener sees no connection", async () => {
      const output = await executor.run(
        "import os, socket\nattempts = []\n" +
          `for address in [('127.0.0.1', ${port}), ('1.1.1.1', 80), ('172.17.0.1', ${port})]:\n` +
          "    try:\n        socket.create_connection(address, timeout=2).close()\n        attempts.append('connected')\n" +
          "    except OSError as error:\n        attempts.append(type(error).__name__)\n" +
          "(sorted(os.listdir('/sys/class/net')), attempts)",
      );
      expect(output.error).toBeUndefined();
      const [interfaces, attempts] = output.output as [string[], string[]];
      expect(interfaces).toEqual(["lo"]);
      expect(attempts).not.toContain("connected");
      expect(connections).toBe(0);
    });

    it("enforces the process limit", async () => {
      const output = await executor.run(
        "import threading, time\nthreads = []\ntry:\n    for _ in range(64):\n" +
          "        thread = threading.Thread(target=time.sleep, args=(2,))\n        thread.start()\n        threads.append(thread)\n" +
          "    outcome = 'started all'\nexcept RuntimeError as error:\n    outcome = str(error)\n(outcome, len(threads) < 16)",
      );
      expect(output.error).toBeUndefined();
      expect(output.output).toEqual(["can't start new thread", true]);
    });

    it("stops a memory bomb at the memory limit with a MemoryError, and the next run works", async () => {
      const bomb = await executor.run("blob = b'x' * (512 * 1024 * 1024)\nlen(blob)");
      expect(bomb.output).toBeNull();
      expect(bomb.error?.type).toBe("MemoryError");
      expect(bomb.error?.message).toContain("128 MB");
      const after = await executor.run("21 * 2");
      expect(after.output).toBe(42);
    });
  });

  describe("lifecycle", () => {
    it(
      "reuses one container across runs",
      async () => {
        await using executor = newExecutor();
        await executor.run("value = 1");
        const first = executor.containerId;
        expect(first).toBeDefined();
        for (let index = 0; index < 3; index += 1) await executor.run("value += 1");
        expect((await executor.run("value")).output).toBe(4);
        expect(executor.containerId).toBe(first);
      },
      timeout,
    );

    it(
      "kills the container on timeout and replaces it",
      async () => {
        await using executor = newExecutor({ timeoutSeconds: 1 });
        await executor.start();
        const first = executor.containerId!;
        const stuck = await executor.run("while True:\n    pass");
        expect(stuck.error?.type).toBe("TimeoutError");
        expect(await containerExists(first)).toBe(false);
        expect((await executor.run("'fresh'")).output).toBe("fresh");
        const second = executor.containerId!;
        expect(second).not.toBe(first);
        expect((await docker.getContainer(second).inspect()).State.Running).toBe(true);
      },
      timeout,
    );

    it(
      "removes the container on cleanup, and starts a new one if used again",
      async () => {
        const executor = newExecutor();
        await executor.start();
        const first = executor.containerId!;
        await executor.cleanup();
        expect(executor.containerId).toBeUndefined();
        expect(await containerExists(first)).toBe(false);
        expect((await executor.run("'again'")).output).toBe("again");
        const second = executor.containerId!;
        await executor.cleanup();
        expect(await containerExists(second)).toBe(false);
      },
      timeout,
    );

    it(
      "reports a crash of the runtime and starts a fresh container",
      async () => {
        await using executor = newExecutor({ additionalAuthorizedImports: ["os"] });
        await executor.start();
        const first = executor.containerId!;
        const crash = await executor.run("import os\nos._exit(3)");
        expect(crash.error?.message).toContain("exited with code 3");
        expect((await executor.run("1 + 1")).output).toBe(2);
        expect(executor.containerId).not.toBe(first);
      },
      timeout,
    );

    const childScript = join(dirname(fileURLToPath(import.meta.url)), "__tests__", "exit-child.mts");
    const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
    for (const [how, signal] of [
      ["awaits", undefined],
      ["exit", undefined],
      ["idle", undefined],
      ["busy", "SIGTERM"],
      ["busy", "SIGINT"],
    ] as const) {
      it(
        `leaves no container behind when its process ${describeEnd(how, signal)}`,
        async () => {
          const child = await startTypeScriptChild(childScript, [how, engineHost, testImage], {
            readyPattern: /container ([0-9a-f]{64})/,
            cwd: repositoryRoot,
          });
          const containerId = child.ready[1]!;
          if (signal) expect(await containerExists(containerId)).toBe(true);
          const exit = await child.end(signal);
          const { stdout, stderr } = child;
          // The signal is raised again after the cleanup, so the process still dies of it.
          if (signal) expect(exit.signal).toBe(signal);
          else expect(exit.code, stderr).toBe(0);
          if (how === "awaits")
            expect(stdout).toContain('result {"output":42,"logs":"ping\\n","isFinalAnswer":false}');
          expect(await containerExists(containerId)).toBe(false);
        },
        timeout,
      );
    }
  });

  describe("images", () => {
    it(
      "says the image needs python3 when it has none",
      async () => {
        // An image with an empty filesystem: a tar archive is 1,024 zero bytes at least.
        const repository = "smol-test-empty";
        const tag = testRunLabel.value.slice(0, 8);
        const progress = await docker.importImage(Readable.from([Buffer.alloc(1024)]), {
          repo: repository,
          tag,
        });
        await new Promise((resolve, reject) =>
          docker.modem.followProgress(progress, (error) => (error ? reject(error) : resolve(null))),
        );
        const executor = newExecutor({ image: `${repository}:${tag}` });
        try {
          const failure = await executor.run("1").catch((error: unknown) => error);
          expect(ExecutorError.isInstance(failure)).toBe(true);
          expect((failure as Error).message).toContain("must have python3 on its PATH");
        } finally {
          await executor.cleanup();
          await docker.getImage(`${repository}:${tag}`).remove({ force: true });
        }
      },
      timeout,
    );

    it("explains how to get an image the engine does not have", async () => {
      const executor = newExecutor({ image: "smol-test-no-such-image:never", pullImage: false });
      const failure = await executor.run("1").catch((error: unknown) => error);
      expect(ExecutorError.isInstance(failure)).toBe(true);
      expect((failure as Error).message).toContain("docker pull smol-test-no-such-image:never");
      expect((failure as Error).message).toContain("buildImage");
      await executor.cleanup();
    });

    it(
      "builds an image from a Dockerfile, reports progress, and runs in it",
      async () => {
        const tag = `smol-test-build:${testRunLabel.value.slice(0, 8)}`;
        const progress: string[] = [];
        const executor = new DockerExecutor({
          host: engineHost,
          buildImage: {
            dockerfile: `FROM ${testImage}\nRUN mkdir -p /opt/smol && echo built-by-smol > /opt/smol/marker\n`,
            tag,
            networkMode: "none",
          },
          containerOptions: { Labels: { [testRunLabel.key]: testRunLabel.value } },
          onProgress: (message) => progress.push(message),
        });
        try {
          const output = await executor.run("open('/opt/smol/marker').read().strip()");
          expect(output.error).toBeUndefined();
          expect(output.output).toBe("built-by-smol");
          expect(progress.some((message) => message.includes(`Building the image ${tag}`))).toBe(true);
          expect((await docker.getContainer(executor.containerId!).inspect()).Config.Image).toBe(tag);
        } finally {
          await executor.cleanup();
          await docker.getImage(tag).remove({ force: true });
        }
      },
      timeout,
    );
  });
});
