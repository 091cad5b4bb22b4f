import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Attack, AttackTargets } from "./attacks.js";
import type { SandboxSecurityExecutorOptions } from "./sandbox-security.js";

/** Heap of the child process an isolated attack runs in: a host that leaks dies early. */
const CHILD_HEAP_MB = 512;

/** What the child reports on its last line of stdout. */
interface IsolatedOutcome {
  /** Why the attack failed the suite (an assertion, or the child's death); undefined if it passed. */
  failure?: string;
}

/**
 * Runs one attack in a child Node process (`--max-old-space-size`), with an executor built by
 * `createExecutor` from `executorModule`. A child that dies (out of memory, a crash) is a
 * reported failure, not the end of the suite.
 */
export function runIsolatedAttack(
  attack: Attack,
  executorModule: string,
  executorOptions: SandboxSecurityExecutorOptions,
  targets: AttackTargets,
  timeoutMs: number,
): Promise<IsolatedOutcome> {
  const script = fileURLToPath(new URL("./isolated-attack-child.ts", import.meta.url));
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${CHILD_HEAP_MB}`, "--import", "tsx", script],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        SMOL_ISOLATED_ATTACK: JSON.stringify({ name: attack.name, executorModule, executorOptions, targets }),
      },
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout = (stdout + chunk.toString()).slice(-100_000);
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split("\n").at(-1) ?? "";
      if (code === 0 && last.startsWith("{")) {
        resolve(JSON.parse(last) as IsolatedOutcome);
        return;
      }
      resolve({
        failure: `the child process ended (${signal ? `signal ${signal}` : `code ${code}`}) before reporting: ${stderr.trim()}`,
      });
    });
  });
}
