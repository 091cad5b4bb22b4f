import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PythonExecutor } from "@smol/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAttack } from "./attack-run.js";
import { type AttackExecutor, type AttackTargets, sandboxAttacks } from "./attacks.js";
import { runIsolatedAttack } from "./isolated-attack.js";

/** The options the suite builds its executors with; map them onto your executor's own. */
export interface SandboxSecurityExecutorOptions {
  additionalAuthorizedImports: string[];
  timeoutSeconds: number;
  /** Memory limit in MB, for executors that take one. */
  memoryLimitMb: number;
  maxPrintOutputsLength: number;
}

export type SandboxExecutorFactory = (
  options: SandboxSecurityExecutorOptions,
) => PythonExecutor | Promise<PythonExecutor>;

export interface SandboxSecurityOptions {
  /**
   * A module (absolute path or file URL) exporting `createExecutor`, a `SandboxExecutorFactory`:
   * attacks marked `isolated` then run in a child Node process with a capped heap, built from
   * it, so that one that crashes the host is reported as a failure instead of ending the suite.
   * Without it they run in the test's own process.
   */
  isolatedExecutorModule?: string;
  /** Per-test timeout in milliseconds; default 120 s (memory bombs page in hundreds of MB). */
  testTimeoutMs?: number;
  /** `timeoutSeconds` of the executor that runs the infinite loop; default 3. */
  shortTimeoutSeconds?: number;
  /** `memoryLimitMb` of the executor that runs the memory bombs; default 128. */
  lowMemoryLimitMb?: number;
}

const MAX_PRINT_OUTPUTS_LENGTH = 10_000;

/**
 * Registers the security suite of a sandboxing executor: more than 40 attacks (host files,
 * writes, environment, network, processes, FFI, JavaScript's `Function` constructor, Pyodide
 * mounts, the classic Python escapes, forbidden imports, resource exhaustion, forged protocol
 * lines). Each test asserts that the attack got nothing (no canary leaked, no file written, no
 * process started, no connection to a listener on 127.0.0.1) and that the executor still runs
 * code afterwards.
 *
 * Most attacks run with the import policy off (`additionalAuthorizedImports: ["*"]`): the
 * policy is a courtesy layer, and the process boundary must hold without it.
 *
 * @example
 * describeSandboxSecurity("LocalPythonExecutor", (options) => new LocalPythonExecutor(options));
 */
export function describeSandboxSecurity(
  name: string,
  createExecutor: SandboxExecutorFactory,
  options: SandboxSecurityOptions = {},
): void {
  const timeout = options.testTimeoutMs ?? 120_000;
  const executorOptions: Record<AttackExecutor, SandboxSecurityExecutorOptions> = {
    open: {
      additionalAuthorizedImports: ["*"],
      timeoutSeconds: 60,
      memoryLimitMb: 512,
      maxPrintOutputsLength: MAX_PRINT_OUTPUTS_LENGTH,
    },
    policy: {
      additionalAuthorizedImports: [],
      timeoutSeconds: 60,
      memoryLimitMb: 512,
      maxPrintOutputsLength: MAX_PRINT_OUTPUTS_LENGTH,
    },
    shortTimeout: {
      additionalAuthorizedImports: ["*"],
      timeoutSeconds: options.shortTimeoutSeconds ?? 3,
      memoryLimitMb: 512,
      maxPrintOutputsLength: MAX_PRINT_OUTPUTS_LENGTH,
    },
    lowMemory: {
      additionalAuthorizedImports: ["*"],
      timeoutSeconds: 90,
      memoryLimitMb: options.lowMemoryLimitMb ?? 128,
      maxPrintOutputsLength: MAX_PRINT_OUTPUTS_LENGTH,
    },
  };

  describe(`${name} resists sandbox escapes`, () => {
    let directory: string;
    let targets: AttackTargets;
    let listener: Server;
    let connections = 0;
    const sockets = new Set<Socket>();
    const executors = new Map<AttackExecutor, Promise<PythonExecutor>>();
    const previousEnvironment: Record<string, string | undefined> = {};

    /** One executor per kind, shared by the attacks of that kind (started on first use). */
    function executorFor(kind: AttackExecutor): Promise<PythonExecutor> {
      let executor = executors.get(kind);
      if (!executor) {
        executor = Promise.resolve(createExecutor(executorOptions[kind]));
        executors.set(kind, executor);
      }
      return executor;
    }

    beforeAll(async () => {
      directory = mkdtempSync(join(tmpdir(), "smol-security-"));
      const canaryFile = join(directory, "canary.txt");
      const fileSecret = `file-canary-${randomBytes(12).toString("hex")}`;
      writeFileSync(canaryFile, fileSecret);
      const environmentVariable = `SMOL_SECURITY_CANARY_${randomBytes(4).toString("hex").toUpperCase()}`;
      const environmentSecret = `env-canary-${randomBytes(12).toString("hex")}`;
      previousEnvironment[environmentVariable] = process.env[environmentVariable];
      process.env[environmentVariable] = environmentSecret;
      listener = createServer((socket) => {
        connections += 1;
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.destroy();
      });
      await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
      const address = listener.address();
      if (address === null || typeof address === "string") throw new Error("the listener has no port");
      targets = {
        canaryFile,
        fileSecret,
        environmentVariable,
        environmentSecret,
        forbiddenWrite: join(directory, "written-by-the-sandbox.txt"),
        processMarker: join(directory, "created-by-a-process.txt"),
        listenerPort: address.port,
        maxPrintOutputsLength: MAX_PRINT_OUTPUTS_LENGTH,
      };
    }, timeout);

    afterAll(async () => {
      for (const executor of executors.values()) await (await executor.catch(() => undefined))?.cleanup();
      // Anything the sandboxes left in flight has had its chance: the listener must still be untouched.
      expect(connections).toBe(0);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => listener?.close(() => resolve()));
      for (const [variable, value] of Object.entries(previousEnvironment)) {
        if (value === undefined) delete process.env[variable];
        else process.env[variable] = value;
      }
      if (directory) rmSync(directory, { recursive: true, force: true });
    }, timeout);

    it(
      "runs code at all (the baseline the attacks are measured against)",
      async () => {
        const executor = await executorFor("open");
        const output = await executor.run("6 * 7");
        expect(output.error).toBeUndefined();
        expect(output.output).toBe(42);
      },
      timeout,
    );

    for (const attack of sandboxAttacks()) {
      it(
        `stops code that ${attack.name}`,
        async () => {
          if (attack.isolated && options.isolatedExecutorModule) {
            const outcome = await runIsolatedAttack(
              attack,
              options.isolatedExecutorModule,
              executorOptions[attack.on],
              targets,
              timeout,
            );
            expect(outcome.failure, `${attack.name}, in a child process with a capped heap`).toBeUndefined();
            return;
          }
          await runAttack(await executorFor(attack.on), attack, targets, () => connections);
        },
        timeout,
      );
    }
  });
}
