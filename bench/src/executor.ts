/**
 * bench/executor: what running the model's code in LocalPythonExecutor (Pyodide in a Deno
 * sandbox) costs, next to the host's native python3 (HostPythonExecutor, same runtime and
 * protocol, no sandbox) measured in the same run.
 *
 * 1. Cold start: from `new Executor()` to the first result; from the snapshot, and plain.
 * 2. Trivial run: the round trip of `1 + 1` on a warm executor.
 * 3. Tool call round trip: Python → host tool → Python.
 * 4. CPU-bound Python: fib(25) and a list comprehension over 10^6 items, timed inside Python:
 *    the first execution, and the best of 5 once the timings have settled (V8 optimizes hot
 *    WebAssembly in the background; the target applies to that steady state). Each repetition is
 *    its own run, as each agent step is: see measureCpu for why that matters.
 *
 * 5. The first agent step after an install (an empty cache directory): from the snapshot the
 *    package ships, against building it on first use (`shippedSnapshotDir: false`, the behaviour
 *    before snapshots were shipped), in the same run; the ship is made from this run's snapshot
 *    as `build-snapshot --ship` makes it at `prepack`.
 * 6. Idle memory: RSS and PSS of each of 3 idle executors side by side (sandbox or python3).
 * 7. Tool call latency: 2,000 calls each timed inside Python (median, p95), and the CPU time the
 *    host and the runtime spend per call.
 *
 * Targets: cold start ≤ 0.4 s, trivial run ≤ 2 ms, tool round trip ≤ 0.5 ms (issue 19: ≤ 0.1 ms
 * median per call), CPU ≤ 3× python3, first agent step after an install ≤ 1 s.
 * Prints tables and writes bench/results/executor.json and executor.md.
 * Run: pnpm bench executor   (or: pnpm --filter @smol/bench exec tsx src/executor.ts)
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { HostPythonExecutor, LocalPythonExecutor } from "@smol/executor-local";
import { DenoSandboxFactory } from "../../packages/executor-local/src/local/deno-sandbox-factory.js";
import { shipSnapshot, snapshotFileName } from "../../packages/executor-local/src/local/snapshot.js";
import {
  measureFirstAgentStep,
  measureIdleMemory,
  measureToolCallLatency,
  type ToolCallProfile,
} from "../executor/install-and-memory.js";
import {
  CPU_WORKLOADS,
  type CpuTiming,
  measureColdStarts,
  measureCpu,
  measureToolRoundTrips,
  measureTrivialRuns,
  type Summary,
  summarize,
} from "../executor/measurements.js";

const SNAPSHOT_COLD_STARTS = 7;
const PLAIN_COLD_STARTS = 3;
const NATIVE_COLD_STARTS = 7;
const TRIVIAL_RUNS = 300;
const TOOL_CALLS_PER_RUN = 500;
const TOOL_RUNS = 5;
const CPU_WARM_UP = { minRuns: 20, maxRuns: 300, window: 10, repeats: 5 };
const FIRST_STEPS_SHIPPED = 3;
const FIRST_STEPS_BUILT = 2;
const IDLE_EXECUTORS = 3;
const LATENCY_CALLS = 2_000;
const TARGETS = {
  coldStartMs: 400,
  trivialRunMs: 2,
  toolRoundTripMs: 0.5,
  toolCallMedianMs: 0.1,
  cpuRatio: 3,
  firstAgentStepMs: 1_000,
};

const local = () => new LocalPythonExecutor();
const plain = () => new LocalPythonExecutor({ snapshot: false });
const native = () => new HostPythonExecutor({ suppressSandboxWarning: true });

async function main(): Promise<void> {
  const loadBefore = loadavg();
  // The snapshot is built once per machine (on first use); build it now, outside the measures.
  const preparing = performance.now();
  const warmUp = local();
  await warmUp.start();
  await warmUp.cleanup();
  const preparationMs = performance.now() - preparing;

  // What `build-snapshot --ship` puts in the tarball, made from the snapshot just built.
  const shipDirectory = mkdtempSync(join(tmpdir(), "smol-bench-shipped-"));
  const factory = new DenoSandboxFactory({
    additionalAuthorizedImports: [],
    memoryLimitMb: 1024,
    snapshot: true,
  });
  const shipped = shipSnapshot(
    join(factory.snapshotDirectory, snapshotFileName(factory.snapshotInputs)),
    shipDirectory,
  );
  const firstAgentStep = {
    shippedSnapshot: await repeat(FIRST_STEPS_SHIPPED, () =>
      measureFirstAgentStep(
        (cacheDir) => new LocalPythonExecutor({ cacheDir, shippedSnapshotDir: shipDirectory }),
      ),
    ),
    buildOnFirstUse: await repeat(FIRST_STEPS_BUILT, () =>
      measureFirstAgentStep((cacheDir) => new LocalPythonExecutor({ cacheDir, shippedSnapshotDir: false })),
    ),
  };
  rmSync(shipDirectory, { recursive: true, force: true });
  const idleMemory = {
    local: await measureIdleMemory(local, IDLE_EXECUTORS),
    nativePython: await measureIdleMemory(native, IDLE_EXECUTORS),
  };
  const toolCallLatency: { local: ToolCallProfile; nativePython: ToolCallProfile } = {
    local: await measureToolCallLatency(local, LATENCY_CALLS),
    nativePython: await measureToolCallLatency(native, LATENCY_CALLS),
  };

  const coldStart = {
    snapshot: summarize(await measureColdStarts(local, SNAPSHOT_COLD_STARTS)),
    plain: summarize(await measureColdStarts(plain, PLAIN_COLD_STARTS)),
    nativePython: summarize(await measureColdStarts(native, NATIVE_COLD_STARTS)),
  };
  const warm = { local: await measureWarm(local()), nativePython: await measureWarm(native()) };
  const cpu: Record<
    string,
    { local: CpuTiming; nativePython: CpuTiming; ratio: number; firstRunRatio: number }
  > = {};
  {
    const sandboxed = local();
    const host = native();
    try {
      for (const [name, workload] of Object.entries(CPU_WORKLOADS)) {
        const localTiming = await measureCpu(sandboxed, workload, CPU_WARM_UP);
        const nativeTiming = await measureCpu(host, workload, CPU_WARM_UP);
        cpu[name] = {
          local: localTiming,
          nativePython: nativeTiming,
          ratio: Number((localTiming.steadyMs / nativeTiming.steadyMs).toFixed(2)),
          firstRunRatio: Number((localTiming.firstMs / nativeTiming.firstMs).toFixed(2)),
        };
      }
    } finally {
      await sandboxed.cleanup();
      await host.cleanup();
    }
  }

  const pass = {
    coldStart: coldStart.snapshot.medianMs <= TARGETS.coldStartMs,
    trivialRun: warm.local.trivialRun.medianMs <= TARGETS.trivialRunMs,
    toolRoundTrip: warm.local.toolRoundTrip.medianMs <= TARGETS.toolRoundTripMs,
    cpu: Object.values(cpu).every((entry) => entry.ratio <= TARGETS.cpuRatio),
    toolCallMedian: toolCallLatency.local.latency.medianMs <= TARGETS.toolCallMedianMs,
    firstAgentStep: firstAgentStep.shippedSnapshot.firstStepMs.medianMs <= TARGETS.firstAgentStepMs,
  };
  const results = {
    benchmark: "executor",
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    // This machine is shared: the load average says how much the figures may be inflated.
    loadAverage: { before: loadBefore.map(round), after: loadavg().map(round) },
    versions: versions(),
    firstStartWithSnapshotPreparationMs: round(preparationMs),
    shippedSnapshot: { bytes: shipped.bytes, file: shipped.file },
    firstAgentStep,
    coldStart,
    trivialRun: { local: warm.local.trivialRun, nativePython: warm.nativePython.trivialRun },
    toolRoundTrip: {
      callsPerRun: TOOL_CALLS_PER_RUN,
      local: warm.local.toolRoundTrip,
      nativePython: warm.nativePython.toolRoundTrip,
    },
    cpu,
    idleMemory,
    toolCallLatency,
    targets: TARGETS,
    pass,
  };

  console.table({
    "cold start, snapshot": row(
      coldStart.snapshot,
      coldStart.nativePython,
      `≤ ${TARGETS.coldStartMs} ms`,
      pass.coldStart,
    ),
    "cold start, plain": row(coldStart.plain, coldStart.nativePython, "", undefined),
    "trivial run (1 + 1)": row(
      warm.local.trivialRun,
      warm.nativePython.trivialRun,
      `≤ ${TARGETS.trivialRunMs} ms`,
      pass.trivialRun,
    ),
    "tool call round trip": row(
      warm.local.toolRoundTrip,
      warm.nativePython.toolRoundTrip,
      `≤ ${TARGETS.toolRoundTripMs} ms`,
      pass.toolRoundTrip,
    ),
  });
  console.table(
    Object.fromEntries(
      Object.entries(cpu).map(([name, entry]) => [
        name,
        {
          "local first run ms": entry.local.firstMs,
          "local warm ms": entry.local.steadyMs,
          "local warm-up runs": entry.local.warmUpRuns,
          "python3 warm ms": entry.nativePython.steadyMs,
          "local / python3 (warm)": entry.ratio,
          "local / python3 (first run)": entry.firstRunRatio,
          target: `≤ ${TARGETS.cpuRatio}× (warm)`,
          pass: entry.ratio <= TARGETS.cpuRatio,
        },
      ]),
    ),
  );
  console.log(
    `Load average before/after: ${results.loadAverage.before.join(" ")} / ${results.loadAverage.after.join(" ")} on ${results.cpus} CPUs`,
  );
  const table = issue19Table(firstAgentStep, coldStart, idleMemory, toolCallLatency);
  console.log(table);
  const output = join(dirname(fileURLToPath(import.meta.url)), "..", "results", "executor.json");
  await mkdir(dirname(output), { recursive: true });
  await writeFile(output, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(output.replace(/\.json$/, ".md"), `${table}\n`);
  console.log(`Wrote ${output} and executor.md`);
}

async function repeat(
  times: number,
  measure: () => Promise<{ firstStepMs: number; backgroundMs: number }>,
): Promise<{ firstStepMs: Summary; backgroundMs: Summary }> {
  const runs: { firstStepMs: number; backgroundMs: number }[] = [];
  for (let index = 0; index < times; index++) runs.push(await measure());
  return {
    firstStepMs: summarize(runs.map((run) => run.firstStepMs)),
    backgroundMs: summarize(runs.map((run) => run.backgroundMs)),
  };
}

/** The figures of issue 19, sandbox next to its reference, as a Markdown table. */
function issue19Table(
  firstAgentStep: Record<
    "shippedSnapshot" | "buildOnFirstUse",
    { firstStepMs: Summary; backgroundMs: Summary }
  >,
  coldStart: Record<"snapshot" | "nativePython", Summary>,
  idleMemory: Record<"local" | "nativePython", { rssMb: Summary; pssMb: Summary }>,
  toolCallLatency: Record<"local" | "nativePython", ToolCallProfile>,
): string {
  const ms = (summary: Summary) => `${summary.medianMs} ms (p95 ${summary.p95Ms})`;
  const µs = (summary: Summary) =>
    `${round(summary.medianMs * 1000)} µs (p95 ${round(summary.p95Ms * 1000)})`;
  const rows = [
    ["measure", "LocalPythonExecutor", "reference", "reference is", "target"],
    ["---", "---", "---", "---", "---"],
    [
      "first agent step after an install (empty cache)",
      ms(firstAgentStep.shippedSnapshot.firstStepMs),
      ms(firstAgentStep.buildOnFirstUse.firstStepMs),
      "snapshot built on first use (before)",
      `≤ ${TARGETS.firstAgentStepMs} ms`,
    ],
    ["then in the background (Deno cache)", ms(firstAgentStep.shippedSnapshot.backgroundMs), "—", "", ""],
    [
      "start after the first (cold start, warm cache)",
      ms(coldStart.snapshot),
      ms(coldStart.nativePython),
      "python3",
      `≤ ${TARGETS.coldStartMs} ms`,
    ],
    [
      "idle RSS per executor",
      `${idleMemory.local.rssMb.medianMs} MB`,
      `${idleMemory.nativePython.rssMb.medianMs} MB`,
      "python3",
      "",
    ],
    [
      "idle PSS per executor",
      `${idleMemory.local.pssMb.medianMs} MB`,
      `${idleMemory.nativePython.pssMb.medianMs} MB`,
      "python3",
      "",
    ],
    [
      "tool call round trip (timed in Python)",
      µs(toolCallLatency.local.latency),
      µs(toolCallLatency.nativePython.latency),
      "python3",
      `≤ ${TARGETS.toolCallMedianMs * 1000} µs median`,
    ],
    [
      "CPU per tool call: host / runtime",
      `${toolCallLatency.local.hostCpuMicros} / ${toolCallLatency.local.runtimeCpuMicros} µs`,
      `${toolCallLatency.nativePython.hostCpuMicros} / ${toolCallLatency.nativePython.runtimeCpuMicros} µs`,
      "python3",
      "",
    ],
  ];
  return rows.map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

async function measureWarm(
  executor: LocalPythonExecutor | HostPythonExecutor,
): Promise<{ trivialRun: Summary; toolRoundTrip: Summary }> {
  try {
    const trivialRun = summarize(await measureTrivialRuns(executor, TRIVIAL_RUNS));
    const toolRoundTrip = summarize(await measureToolRoundTrips(executor, TOOL_CALLS_PER_RUN, TOOL_RUNS));
    return { trivialRun, toolRoundTrip };
  } finally {
    await executor.cleanup();
  }
}

function row(localSummary: Summary, nativeSummary: Summary, target: string, pass: boolean | undefined) {
  return {
    "local ms": localSummary.medianMs,
    "local min ms": localSummary.minMs,
    "local p95 ms": localSummary.p95Ms,
    "python3 ms": nativeSummary.medianMs,
    "local / python3": Number((localSummary.medianMs / nativeSummary.medianMs).toFixed(2)),
    target,
    pass: pass ?? "",
  };
}

function versions(): Record<string, string> {
  const probe = (command: string, args: string[]) => {
    try {
      return execFileSync(command, args, { encoding: "utf8" }).trim().split("\n")[0]!;
    } catch {
      return "unknown";
    }
  };
  const executor = new LocalPythonExecutor();
  return {
    deno: probe(executor.denoPath, ["--version"]),
    pyodide: executor.pyodideVersion,
    python3: probe("python3", ["--version"]),
  };
}

function round(value: number): number {
  return Number(value.toFixed(2));
}

// Executors unreference their idle processes so that a forgotten one cannot hang its host; a
// benchmark awaiting nothing else must then hold the event loop open itself.
const keepAlive = setInterval(() => {}, 60_000);
await main().finally(() => clearInterval(keepAlive));
