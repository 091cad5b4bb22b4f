/**
 * Measurements of bench/executor that need the machine's view: the very first start after an
 * install (an empty cache directory), the memory of idle sandboxes, and where a tool call's time
 * goes (per-call latency timed inside Python, the CPU each side spends on it).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { CodeAgent, LogLevel, type PythonExecutor } from "@smol/core";
import { ScriptedModel } from "@smol/core/testing";
import { countingEchoTool, type Summary, summarize, timedEchoCallsCode } from "./measurements.js";

/** The OS processes this process started (direct children), from /proc (Linux). */
export function childProcesses(): number[] {
  const pids: number[] = [];
  for (const task of readdirSync(`/proc/${process.pid}/task`)) {
    const children = readFileSync(`/proc/${process.pid}/task/${task}/children`, "utf8").trim();
    if (children) pids.push(...children.split(/\s+/).map(Number));
  }
  return pids;
}

/** Resident and proportional set size of a process in MB (PSS shares the pages it shares). */
export function memoryOf(pid: number): { rssMb: number; pssMb: number } {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(rollup)?.[1] ?? NaN) / 1024;
  return { rssMb: round(field("Rss")), pssMb: round(field("Pss")) };
}

/** CPU time (user + system) of a process in microseconds, from /proc/<pid>/stat. */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/**
 * The first agent step on a machine where the cache directory is empty (as after an install):
 * a CodeAgent with a scripted model (no model time) whose executor starts in `cacheDir`, from
 * `new CodeAgent` to its answer. Then waits for what the executor finishes in the background
 * (the Deno cache beside an installed snapshot), so that it does not weigh on what follows.
 */
export async function measureFirstAgentStep(
  createExecutor: (cacheDir: string) => PythonExecutor,
): Promise<{ firstStepMs: number; backgroundMs: number }> {
  const cacheDir = mkdtempSync(join(tmpdir(), "smol-bench-fresh-cache-"));
  try {
    const started = performance.now();
    const agent = new CodeAgent({
      tools: [],
      model: new ScriptedModel(["<code>\nfinal_answer(6 * 7)\n</code>"]),
      executor: createExecutor(cacheDir),
      verbosityLevel: LogLevel.OFF,
    });
    const answer = await agent.run("What is 6 times 7?");
    const firstStepMs = performance.now() - started;
    if (answer !== 42) throw new Error(`The first agent step answered ${JSON.stringify(answer)}`);
    await agent.cleanup();
    const waiting = performance.now();
    const snapshots = join(cacheDir, "snapshots");
    const complete = () =>
      existsSync(snapshots) &&
      readdirSync(snapshots).some((name) => name.endsWith(".snapshot.deno")) &&
      !readdirSync(snapshots).some((name) => name.endsWith(".tmp"));
    while (!complete() && performance.now() - waiting < 120_000) await sleep(100);
    return { firstStepMs: round(firstStepMs), backgroundMs: round(performance.now() - waiting) };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/**
 * Memory of `count` idle executors running side by side, each started and having run one
 * snippet: per process (the sandbox, or python3) RSS and PSS, after a second of idleness.
 */
export async function measureIdleMemory(
  create: () => PythonExecutor,
  count: number,
): Promise<{ rssMb: Summary; pssMb: Summary; processes: number }> {
  const before = new Set(childProcesses());
  const executors = Array.from({ length: count }, create);
  try {
    for (const executor of executors) await executor.run("x = 1");
    await sleep(1_000);
    const pids = childProcesses().filter((pid) => !before.has(pid));
    const memory = pids.map(memoryOf);
    return {
      rssMb: summarize(memory.map((entry) => entry.rssMb)),
      pssMb: summarize(memory.map((entry) => entry.pssMb)),
      processes: pids.length,
    };
  } finally {
    await Promise.all(executors.map((executor) => executor.cleanup()));
  }
}

/** A tool call's round trip, each timed inside Python, and the CPU both sides spend on one. */
export interface ToolCallProfile {
  latency: Summary;
  /** CPU of the host process per call (user + system, all its threads), in µs. */
  hostCpuMicros: number;
  /** CPU of the runtime process per call, in µs (the Python loop around the call included). */
  runtimeCpuMicros: number;
}

/**
 * `calls` calls of an `echo` tool in one run, each timed with `time.perf_counter()` around the
 * call, after three runs of the same loop to warm up. The runtime is the executor's one new child
 * process; its CPU is read from /proc.
 */
export async function measureToolCallLatency(
  create: () => PythonExecutor,
  calls: number,
): Promise<ToolCallProfile> {
  const before = new Set(childProcesses());
  const executor = create();
  try {
    const echo = countingEchoTool();
    await executor.sendTools([echo.tool]);
    const code = timedEchoCallsCode(calls);
    // V8 optimizes the interpreter's hot WebAssembly over the first few runs (see measureCpu).
    for (let warmUp = 0; warmUp < 3; warmUp++) await executor.run(code);
    const [runtime] = childProcesses().filter((pid) => !before.has(pid));
    if (runtime === undefined) throw new Error("The executor's process was not found");
    echo.reset();
    const runtimeBefore = cpuMicros(runtime);
    const hostBefore = process.cpuUsage();
    const result = await executor.run(code);
    const host = process.cpuUsage(hostBefore);
    const runtimeUsed = cpuMicros(runtime) - runtimeBefore;
    if (!Array.isArray(result.output) || echo.calls !== calls) {
      throw new Error(
        `The tool run returned ${JSON.stringify(result).slice(0, 300)} after ${echo.calls} calls`,
      );
    }
    return {
      latency: summarize(result.output as number[]),
      hostCpuMicros: round((host.user + host.system) / calls),
      runtimeCpuMicros: round(runtimeUsed / calls),
    };
  } finally {
    await executor.cleanup();
  }
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function round(value: number): number {
  return Number(value.toFixed(2));
}
