import { existsSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { CodeOutput, PythonExecutor } from "@smol/core";
import { expect } from "vitest";
import type { Attack, AttackTargets } from "./attacks.js";

/**
 * Runs one attack on an executor and asserts everything the suite promises: nothing escaped,
 * the attack's own checks, the host stayed healthy (memory, event loop) and the executor still
 * works afterwards. Shared by the suite and by the child process of isolated attacks.
 */
export async function runAttack(
  executor: PythonExecutor,
  attack: Attack,
  targets: AttackTargets,
  connections: () => number,
): Promise<void> {
  if (attack.before) expect((await executor.run(attack.before)).error).toBeUndefined();
  const health = watchHostHealth();
  try {
    const output = await executor.run(attack.code(targets));
    assertNothingEscaped(attack, output, targets, connections());
    attack.check?.(output, targets);
    if (attack.mustFail) {
      expect(
        output.error,
        `the attack should have failed, but it returned ${summarize(output)}`,
      ).toBeDefined();
    }
    await expectUsableAfter(executor, attack);
  } finally {
    health.stop();
  }
  if (process.env.SMOL_SECURITY_REPORT)
    console.log(
      `host health | ${attack.name} | rss +${health.rssGrowthMb.toFixed(0)} MB | lag ${health.eventLoopLagMs.toFixed(0)} ms`,
    );
  expectHealthyHost(attack, health);
  if (attack.survives) {
    const survivor = await executor.run(attack.survives.code);
    expect(survivor.output, `the session did not survive: ${summarize(survivor)}`).toEqual(
      attack.survives.value,
    );
  }
}

/** The host's bounds when an attack sets none: loose, for a machine shared with other work. */
const DEFAULT_HOST_BOUNDS = { rssMb: 300, eventLoopLagMs: 2_000 };

/** What the host process went through while an attack ran: memory growth, event-loop holds. */
interface HostHealth {
  readonly rssGrowthMb: number;
  readonly eventLoopLagMs: number;
  stop(): void;
}

/** Samples the resident memory and the event loop's delay until `stop()`. */
function watchHostHealth(): HostHealth {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  return {
    get rssGrowthMb() {
      return (peak - baseline) / (1024 * 1024);
    },
    get eventLoopLagMs() {
      return delay.max / 1e6;
    },
    stop() {
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      delay.disable();
    },
  };
}

function expectHealthyHost(attack: Attack, health: HostHealth): void {
  const bounds = { ...DEFAULT_HOST_BOUNDS, ...attack.hostBounds };
  expect(
    health.rssGrowthMb,
    `${attack.name}: the host's resident memory grew by ${health.rssGrowthMb.toFixed(0)} MB`,
  ).toBeLessThanOrEqual(bounds.rssMb);
  expect(
    health.eventLoopLagMs,
    `${attack.name}: the host's event loop was held for ${health.eventLoopLagMs.toFixed(0)} ms`,
  ).toBeLessThanOrEqual(bounds.eventLoopLagMs);
}

/**
 * The host is healthy: the same executor takes a variable (a request the runtime must
 * acknowledge) and runs code with it, restarting its runtime if it must. An attack that may
 * end its sandbox gets one failed run, which must say that the runtime stopped.
 */
async function expectUsableAfter(executor: PythonExecutor, attack: Attack): Promise<void> {
  await executor.sendVariables({ smol_health_check: 6 });
  let followUp = await executor.run("smol_health_check * 7");
  if (attack.mayEndSandbox && followUp.error) {
    expect(followUp.error.message, summarize(followUp)).toMatch(/runtime|sandbox/i);
    followUp = await executor.run("smol_health_check * 7");
  }
  expect(followUp.error, summarize(followUp)).toBeUndefined();
  expect(followUp.output).toBe(42);
}

function assertNothingEscaped(
  attack: Attack,
  output: CodeOutput,
  targets: AttackTargets,
  connections: number,
): void {
  const everything = JSON.stringify(output, (_key, value) =>
    value instanceof Uint8Array
      ? Buffer.from(value).toString("latin1")
      : typeof value === "bigint"
        ? String(value)
        : value,
  );
  expect(everything.includes(targets.fileSecret), `${attack.name}: the canary file leaked`).toBe(false);
  expect(everything.includes(targets.environmentSecret), `${attack.name}: the canary variable leaked`).toBe(
    false,
  );
  expect(existsSync(targets.forbiddenWrite), `${attack.name}: a host file was written`).toBe(false);
  expect(existsSync(targets.processMarker), `${attack.name}: a host process ran`).toBe(false);
  expect(connections, `${attack.name}: the listener saw a connection`).toBe(0);
}

function summarize(output: CodeOutput): string {
  return JSON.stringify(output).slice(0, 600);
}
