/**
 * The child process of an isolated attack (see isolated-attack.ts): builds the executor, runs
 * the attack with the suite's own assertions, and prints `{ failure? }` as its last line.
 */
import { pathToFileURL } from "node:url";
import { runAttack } from "./attack-run.js";
import { type AttackTargets, sandboxAttacks } from "./attacks.js";
import type { SandboxExecutorFactory, SandboxSecurityExecutorOptions } from "./sandbox-security.js";

const request = JSON.parse(process.env.SMOL_ISOLATED_ATTACK ?? "{}") as {
  name: string;
  executorModule: string;
  executorOptions: SandboxSecurityExecutorOptions;
  targets: AttackTargets;
};

async function main(): Promise<{ failure?: string }> {
  const attack = sandboxAttacks().find((candidate) => candidate.name === request.name);
  if (!attack) return { failure: `no attack is named ${JSON.stringify(request.name)}` };
  const moduleUrl = request.executorModule.startsWith("file:")
    ? request.executorModule
    : pathToFileURL(request.executorModule).href;
  const { createExecutor } = (await import(moduleUrl)) as { createExecutor: SandboxExecutorFactory };
  const executor = await createExecutor(request.executorOptions);
  try {
    // Connections are counted by the parent's listener, which checks them after the suite.
    await runAttack(executor, attack, request.targets, () => 0);
    return {};
  } catch (error) {
    return { failure: error instanceof Error ? error.message : String(error) };
  } finally {
    await executor.cleanup();
  }
}

main().then(
  (outcome) => {
    process.stdout.write(`\n${JSON.stringify(outcome)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stdout.write(`\n${JSON.stringify({ failure: `the child failed: ${String(error)}` })}\n`);
    process.exit(0);
  },
);
