/**
 * bench/executor/isolation: LocalPythonExecutor's two isolation modes side by side, in one run
 * (issue 19): `"process"` (a Deno process per executor) and `"isolate"` (one shared Deno process,
 * a V8 isolate per executor).
 *
 * 1. Session start after the first: from `new LocalPythonExecutor()` to the first result, with
 *    earlier executors still open; back to back, and paced (a pause between starts, as agents
 *    arriving one by one would leave).
 * 2. Memory per session: PSS (from /proc/<pid>/smaps_rollup, which shares each shared page among
 *    the processes mapping it) of the sandbox processes and their children (not the rest of this
 *    process's tree: tsx's esbuild), divided by the sessions, with SESSIONS idle executors open
 *    once the memory has settled; what each session after the first adds; RSS beside it. Each
 *    mode's memory measure starts with no sandbox process left from the earlier measures.
 * 3. Tool call round trip: 2,000 calls of an echo tool, each timed inside Python. Beside it, the
 *    floor under it on this machine: a bare line to a child process and back over pipes.
 * 4. Load: AGENTS concurrent CodeAgents × 3 steps each (ScriptedModel, real Python), shared mode
 *    only (a process each would need ~10 GB); the peak RSS and PSS of the tree, sampled every
 *    200 ms, and the wall time. Bounded: it ends when the agents have answered, or at 10 minutes.
 *
 * Targets: per-session PSS ≤ 50 MB, start after the first ≤ 120 ms median, the load's tree ≤ 6 GB,
 * tool call ≤ 100 µs median. Prints a table and writes bench/results/isolation.json and .md.
 * Run: cd bench && pnpm exec tsx --tsconfig tsconfig.json executor/isolation.ts
 */
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { CodeAgent, LogLevel, type PythonExecutor } from "@smol/core";
import { LocalPythonExecutor, type LocalPythonExecutorOptions } from "@smol/executor-local";
import { ScriptedModel } from "@smol/testing";
import { memoryOf } from "./install-and-memory.js";
import {
  countingEchoTool,
  measurePipeRoundTrips,
  type Summary,
  summarize,
  timedEchoCallsCode,
} from "./measurements.js";
import { processTree } from "./process-tree.js";

type Isolation = NonNullable<LocalPythonExecutorOptions["isolation"]>;
const MODES: Isolation[] = ["process", "isolate"];
const STARTS = Number(process.env.STARTS ?? 15);
const PACE_MS = 300;
const SESSIONS = Number(process.env.SESSIONS ?? 10);
const TOOL_CALLS = 2_000;
const AGENTS = Number(process.env.AGENTS ?? 100);
const STEPS = 3;
const LOAD_DEADLINE_MS = 10 * 60_000;
const TARGETS = { pssPerSessionMb: 50, startAfterFirstMs: 120, loadTreeMb: 6 * 1024, toolCallMicros: 100 };

const keepAlive = setInterval(() => {}, 60_000);
const executor = (isolation: Isolation) => new LocalPythonExecutor({ isolation });

/**
 * The sandbox processes under this one (Deno, started with argv0 "deno"), and anything they
 * started. Not the rest of the tree: tsx's esbuild service (a child of this process, ~15 MB) was
 * the "second process" of the isolate mode's first figures, counted as if it were a sandbox's.
 */
function sandboxTree(): number[] {
  const sandboxes = processTree().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0] === "deno";
    } catch {
      return false; // gone meanwhile
    }
  });
  return [...new Set(sandboxes.flatMap((pid) => [pid, ...processTree(pid)]))];
}

/** Summed RSS and PSS of the sandbox processes in MB (smaps_rollup: PSS shares shared pages). */
function treeMemory(): { rssMb: number; pssMb: number; processes: number } {
  let rssMb = 0;
  let pssMb = 0;
  const pids = sandboxTree();
  for (const pid of pids) {
    try {
      const memory = memoryOf(pid);
      rssMb += memory.rssMb;
      pssMb += memory.pssMb;
    } catch {
      // Gone meanwhile.
    }
  }
  return { rssMb: round(rssMb), pssMb: round(pssMb), processes: pids.length };
}

/**
 * The tree's memory once idle sessions have settled: sampled every 500 ms until two samples are
 * within 1 MB (boot work finished, V8's post-boot collections done), 15 s at most.
 */
async function settledMemory(): Promise<ReturnType<typeof treeMemory>> {
  let last = treeMemory();
  for (let waited = 0; waited < 15_000; waited += 500) {
    await sleep(500);
    const next = treeMemory();
    if (Math.abs(next.pssMb - last.pssMb) < 1) return next;
    last = next;
  }
  return last;
}

async function measureStarts(isolation: Isolation, pauseMs: number): Promise<Summary> {
  const open: PythonExecutor[] = [executor(isolation)];
  try {
    await open[0]!.run("1");
    const durations: number[] = [];
    for (let index = 0; index < STARTS; index++) {
      if (pauseMs > 0) await sleep(pauseMs);
      const started = performance.now();
      const next = executor(isolation);
      open.push(next);
      const result = await next.run("1");
      if (result.output !== 1) throw new Error(`A start returned ${JSON.stringify(result)}`);
      durations.push(performance.now() - started);
    }
    return summarize(durations);
  } finally {
    await Promise.all(open.map((each) => each.cleanup()));
  }
}

/**
 * Waits for the sandbox processes of earlier measures to be gone: a shared process stops 30 s
 * after its last session, and one that served the start measures would be counted (with what its
 * 30 ended sessions left) in the next memory figure.
 */
async function noSandboxLeft(): Promise<void> {
  for (let waited = 0; sandboxTree().length > 0; waited += 500) {
    if (waited > 45_000) throw new Error(`Sandbox processes still there after 45 s: ${sandboxTree()}`);
    await sleep(500);
  }
}

/**
 * SESSIONS idle executors: the sandbox tree's PSS over the sessions (what a session costs with
 * its share of the process), and the PSS each session after the first adds (what the next one
 * costs). In isolate mode the tree is one process, with a booted spare isolate in it.
 */
async function measureMemory(isolation: Isolation) {
  await noSandboxLeft();
  const open = Array.from({ length: SESSIONS }, () => executor(isolation));
  try {
    await open[0]!.run("x = 1");
    const first = await settledMemory();
    for (const each of open.slice(1)) await each.run("x = 1");
    const tree = await settledMemory();
    return {
      sessions: SESSIONS,
      ...tree,
      pssPerSessionMb: round(tree.pssMb / SESSIONS),
      rssPerSessionMb: round(tree.rssMb / SESSIONS),
      pssPerExtraSessionMb: round((tree.pssMb - first.pssMb) / (SESSIONS - 1)),
    };
  } finally {
    await Promise.all(open.map((each) => each.cleanup()));
  }
}

async function measureToolCalls(isolation: Isolation): Promise<Summary> {
  const sandbox = executor(isolation);
  try {
    const echo = countingEchoTool();
    await sandbox.sendTools([echo.tool]);
    const code = timedEchoCallsCode(TOOL_CALLS);
    for (let warmUp = 0; warmUp < 3; warmUp++) await sandbox.run(code);
    const result = await sandbox.run(code);
    if (!Array.isArray(result.output)) throw new Error(`The tool run returned ${JSON.stringify(result)}`);
    return summarize(result.output as number[]);
  } finally {
    await sandbox.cleanup();
  }
}

/** AGENTS CodeAgents at once, each with STEPS steps of real Python, the last one answering. */
async function measureLoad(isolation: Isolation) {
  let peakRssMb = 0;
  let peakPssMb = 0;
  const sampler = setInterval(() => {
    const tree = treeMemory();
    peakRssMb = Math.max(peakRssMb, tree.rssMb);
    peakPssMb = Math.max(peakPssMb, tree.pssMb);
  }, 200);
  const agents = Array.from({ length: AGENTS }, (_, index) => {
    const model = new ScriptedModel([
      `Thought: start.\n<code>\nvalues = [i * i for i in range(${1_000 + index})]\nprint(len(values))\n</code>`,
      "Thought: sum.\n<code>\ntotal = sum(values)\nprint(total)\n</code>",
      `Thought: done.\n<code>\nfinal_answer(total % 1000 + ${index})\n</code>`,
    ]);
    return new CodeAgent({
      tools: [],
      model,
      maxSteps: STEPS,
      verbosityLevel: LogLevel.OFF,
      executorType: "local",
      executorOptions: { isolation },
    });
  });
  const started = performance.now();
  let answered = 0;
  // Cleared once the agents answered: a pending 10-minute timer kept the bench's process alive
  // that long after it had written its results.
  let deadlineTimer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<"deadline">((resolve) => {
      deadlineTimer = setTimeout(() => resolve("deadline"), LOAD_DEADLINE_MS);
    });
    const outcome = await Promise.race([
      Promise.all(
        agents.map(async (agent) => {
          await agent.run("Compute it.");
          answered += 1;
        }),
      ),
      deadline,
    ]);
    return {
      agents: AGENTS,
      steps: STEPS,
      answered,
      timedOut: outcome === "deadline",
      wallMs: round(performance.now() - started),
      peakTreeRssMb: round(peakRssMb),
      peakTreePssMb: round(peakPssMb),
    };
  } finally {
    clearInterval(sampler);
    clearTimeout(deadlineTimer);
    await Promise.all(agents.map((agent) => agent[Symbol.asyncDispose]()));
  }
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  // The snapshot is built once per machine (on first use): not in the measures.
  const warmUp = executor("process");
  await warmUp.run("1");
  await warmUp.cleanup();
  const results: Record<string, unknown> = {};
  for (const isolation of MODES) {
    results[isolation] = {
      startAfterFirst: {
        backToBack: await measureStarts(isolation, 0),
        paced: await measureStarts(isolation, PACE_MS),
      },
      memory: await measureMemory(isolation),
      toolCall: await measureToolCalls(isolation),
    };
  }
  const pipeRoundTrip = summarize(await measurePipeRoundTrips(TOOL_CALLS));
  await noSandboxLeft();
  const load = await measureLoad("isolate");
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadBefore, loadAfter: loadavg() },
    settings: { starts: STARTS, paceMs: PACE_MS, sessions: SESSIONS, toolCalls: TOOL_CALLS, agents: AGENTS },
    targets: TARGETS,
    ...results,
    reference: { pipeRoundTrip },
    load: { isolate: load },
  };
  const markdown = renderMarkdown(report as unknown as Report);
  console.log(markdown);
  const directory = join(dirname(fileURLToPath(import.meta.url)), "..", "results");
  await mkdir(directory, { recursive: true });
  await writeFile(join(directory, "isolation.json"), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(directory, "isolation.md"), markdown);
}

interface ModeReport {
  startAfterFirst: { backToBack: Summary; paced: Summary };
  memory: {
    sessions: number;
    rssMb: number;
    pssMb: number;
    processes: number;
    pssPerSessionMb: number;
    rssPerSessionMb: number;
    pssPerExtraSessionMb: number;
  };
  toolCall: Summary;
}
interface Report {
  date: string;
  machine: { cpus: number; loadBefore: number[]; loadAfter: number[] };
  process: ModeReport;
  isolate: ModeReport;
  reference: { pipeRoundTrip: Summary };
  load: { isolate: Awaited<ReturnType<typeof measureLoad>> };
}

function renderMarkdown(report: Report): string {
  const row = (label: string, value: (mode: ModeReport) => string, target: string) =>
    `| ${label} | ${value(report.process)} | ${value(report.isolate)} | ${target} |`;
  const ms = (summary: Summary) => `${summary.medianMs.toFixed(0)} ms (p95 ${summary.p95Ms.toFixed(0)})`;
  const load = report.load.isolate;
  return [
    "# LocalPythonExecutor: isolation modes",
    "",
    `${report.date}, ${report.machine.cpus} CPUs, load ${report.machine.loadBefore.map((value) => value.toFixed(1)).join("/")} before, ${report.machine.loadAfter.map((value) => value.toFixed(1)).join("/")} after.`,
    "",
    '| measure | `isolation: "process"` | `isolation: "isolate"` | target (isolate) |',
    "| --- | --- | --- | --- |",
    row(
      "start after the first, back to back (median)",
      (mode) => ms(mode.startAfterFirst.backToBack),
      `≤ ${TARGETS.startAfterFirstMs} ms`,
    ),
    row(
      `start after the first, ${PACE_MS} ms apart (median)`,
      (mode) => ms(mode.startAfterFirst.paced),
      `≤ ${TARGETS.startAfterFirstMs} ms`,
    ),
    row(
      "PSS per idle session (tree / sessions)",
      (mode) =>
        `${mode.memory.pssPerSessionMb} MB (${mode.memory.sessions} sessions, ${mode.memory.processes} processes)`,
      `≤ ${TARGETS.pssPerSessionMb} MB`,
    ),
    row(
      "PSS each idle session after the first adds",
      (mode) => `${mode.memory.pssPerExtraSessionMb} MB`,
      "—",
    ),
    row("RSS per idle session (tree / sessions)", (mode) => `${mode.memory.rssPerSessionMb} MB`, "—"),
    row(
      "tool call round trip (median, p95)",
      (mode) =>
        `${(mode.toolCall.medianMs * 1000).toFixed(0)} µs (p95 ${(mode.toolCall.p95Ms * 1000).toFixed(0)} µs)`,
      `≤ ${TARGETS.toolCallMicros} µs`,
    ),
    "",
    `Reference, same run: a bare line to a child process and back over pipes (no Python, no protocol; the floor under a tool call that crosses processes): median ${(report.reference.pipeRoundTrip.medianMs * 1000).toFixed(0)} µs (p95 ${(report.reference.pipeRoundTrip.p95Ms * 1000).toFixed(0)} µs).`,
    "",
    `Load, shared mode: ${load.agents} CodeAgents × ${load.steps} steps at once (ScriptedModel, real Python): ${load.answered} answered${load.timedOut ? " (stopped at the deadline)" : ""} in ${(load.wallMs / 1000).toFixed(1)} s; peak tree RSS ${load.peakTreeRssMb} MB, peak PSS ${load.peakTreePssMb} MB (target ≤ ${TARGETS.loadTreeMb} MB).`,
    "",
  ].join("\n");
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function round(value: number): number {
  return Number(value.toFixed(2));
}

try {
  await main();
} finally {
  clearInterval(keepAlive);
}
