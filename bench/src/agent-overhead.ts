/**
 * bench/agent-overhead: what the agent loop itself costs.
 *
 * 1. Per step, with a model that answers instantly (ScriptedModel): a ToolCallingAgent making
 *    one trivial tool call per step, 1,000 steps across runs. Target: median ≤ 1 ms.
 * 2. 1,000 agents running at once in one process (a child of this one, plain Node on the built
 *    packages: ../concurrent/concurrent-agents.mjs) against the fake OpenAI server, through
 *    OpenAIModel and the real `openai` SDK, two requests per run. Target: ≤ 300 MB RSS at peak.
 *
 * Prints a table and writes bench/results/agent-overhead.json.
 * Run: pnpm bench agent-overhead   (builds the packages first: the concurrent half uses dist)
 */
import { fork } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { LogLevel, ToolCallingAgent, tool } from "@smol/core";
import { type FakeReply, ScriptedModel, type ScriptedReply, startFakeOpenAIServer } from "@smol/testing";

const STEPS_PER_RUN = 10;
const MEASURED_STEPS = 1_000;
const WARMUP_RUNS = 30;
/** Must match concurrent-agents.mjs. */
const CONCURRENT_AGENTS = 1_000;
const TARGET_MEDIAN_MS = 1;
const TARGET_PEAK_RSS_MB = 300;

const noop = tool(
  {
    name: "noop",
    description: "Does nothing.",
    inputs: { n: { type: "integer", description: "A number." } },
    outputType: "string",
  },
  async ({ n }) => `ok ${n}`,
);

/** The n-th reply of a run: a tool call for the first steps, then the final answer. */
function scriptedStep(callIndex: number): ScriptedReply {
  const stepInRun = callIndex % STEPS_PER_RUN;
  if (stepInRun < STEPS_PER_RUN - 1) return { toolCalls: [{ name: "noop", arguments: { n: stepInRun } }] };
  return { toolCalls: [{ name: "final_answer", arguments: { answer: "done" } }] };
}

/** Milliseconds of each action step, measured from the end of the previous one (or the run's start). */
async function measureStepOverhead(): Promise<number[]> {
  const model = new ScriptedModel((_messages, _options, callIndex) => scriptedStep(callIndex), {
    recordCalls: false,
  });
  const durations: number[] = [];
  let last = 0;
  let measuring = false;
  const agent = new ToolCallingAgent({
    tools: [noop],
    model,
    maxSteps: STEPS_PER_RUN,
    verbosityLevel: LogLevel.OFF,
    stepCallbacks: [
      () => {
        const now = performance.now();
        if (measuring) durations.push(now - last);
        last = now;
      },
    ],
  });
  for (let run = 0; run < WARMUP_RUNS; run++) await agent.run("Call noop until told otherwise.");
  measuring = true;
  while (durations.length < MEASURED_STEPS) {
    last = performance.now();
    const answer = await agent.run("Call noop until told otherwise.");
    // A step that failed would be cheaper than a real one: make sure every step did its work.
    const failed = agent.memory.steps.find((step) => step.type === "action" && step.error);
    if (answer !== "done" || failed)
      throw new Error(`An overhead run went wrong: ${String(answer)}, ${JSON.stringify(failed)}`);
  }
  return durations.slice(0, MEASURED_STEPS);
}

/**
 * The fake server's reply: a tool call first (the request holds only the system prompt and the
 * task), then the final answer once the memory has the call and its observation.
 */
function openAIReply(request: { body?: Record<string, any> }): FakeReply {
  const messageCount: number = request.body?.messages?.length ?? 0;
  if (messageCount > 2) return { toolCalls: [{ name: "final_answer", arguments: { answer: "done" } }] };
  return { toolCalls: [{ name: "noop", arguments: { n: 1 } }] };
}

interface ConcurrentResult {
  agents: number;
  requests: number;
  failures: number;
  wallSeconds: number;
  baselineRssMb: number;
  peakRssMb: number;
  /** The JS heap when the runs end, garbage included. */
  heapUsedAtEndMb: number;
  /** What is still alive after a full collection, the thousand agents and their memories included. */
  liveHeapAfterGcMb: number;
}

/**
 * Runs the thousand agents in a child process of their own, so that its RSS is theirs alone:
 * neither the fake server (here, in the parent, as a real model server would run elsewhere) nor
 * the garbage of the first measure counts.
 */
async function measureConcurrentRuns(): Promise<ConcurrentResult> {
  await using server = await startFakeOpenAIServer({ replies: openAIReply });
  const script = join(dirname(fileURLToPath(import.meta.url)), "..", "concurrent", "concurrent-agents.mjs");
  // Plain node, without this process's tsx loader; --expose-gc only to weigh what stays alive
  // once the runs are over (the peak is measured first).
  const child = fork(script, [server.baseURL], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    execArgv: ["--expose-gc"],
  });
  const result = await new Promise<Omit<ConcurrentResult, "requests">>((resolve, reject) => {
    child.once("message", (message) => resolve(message as Omit<ConcurrentResult, "requests">));
    child.once("error", reject);
    child.once("exit", (code) =>
      reject(
        new Error(
          `The concurrent runs' process exited with code ${code}. It imports the built packages: run "pnpm build" first.`,
        ),
      ),
    );
  });
  child.removeAllListeners("exit");
  child.disconnect();
  const requests = server.chatRequests.length;
  if (result.failures === 0 && requests < 2 * CONCURRENT_AGENTS) {
    throw new Error(`Expected two requests per run, got ${requests} for ${CONCURRENT_AGENTS} runs.`);
  }
  return { ...result, requests };
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

function round(value: number, digits = 3): number {
  return Number(value.toFixed(digits));
}

async function main(): Promise<void> {
  const durations = (await measureStepOverhead()).sort((a, b) => a - b);
  const overhead = {
    steps: durations.length,
    stepsPerRun: STEPS_PER_RUN,
    medianMs: round(percentile(durations, 0.5)),
    p95Ms: round(percentile(durations, 0.95)),
    meanMs: round(durations.reduce((sum, value) => sum + value, 0) / durations.length),
    maxMs: round(durations.at(-1)!),
  };
  const concurrent = await measureConcurrentRuns();
  const results = {
    benchmark: "agent-overhead",
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    overhead,
    concurrent: {
      ...concurrent,
      wallSeconds: round(concurrent.wallSeconds),
      baselineRssMb: round(concurrent.baselineRssMb, 1),
      peakRssMb: round(concurrent.peakRssMb, 1),
      heapUsedAtEndMb: round(concurrent.heapUsedAtEndMb, 1),
      liveHeapAfterGcMb: round(concurrent.liveHeapAfterGcMb, 1),
    },
    targets: { medianStepMs: TARGET_MEDIAN_MS, peakRssMb: TARGET_PEAK_RSS_MB },
    pass: {
      medianStep: overhead.medianMs <= TARGET_MEDIAN_MS,
      peakRss: concurrent.peakRssMb <= TARGET_PEAK_RSS_MB && concurrent.failures === 0,
    },
  };

  console.log("\nagent-overhead");
  console.table({
    "step overhead, median": {
      value: `${overhead.medianMs} ms`,
      target: `≤ ${TARGET_MEDIAN_MS} ms`,
      ok: results.pass.medianStep,
    },
    "step overhead, p95": { value: `${overhead.p95Ms} ms`, target: "", ok: "" },
    [`${CONCURRENT_AGENTS} concurrent runs, peak RSS`]: {
      value: `${results.concurrent.peakRssMb} MB`,
      target: `≤ ${TARGET_PEAK_RSS_MB} MB`,
      ok: results.pass.peakRss,
    },
    [`${CONCURRENT_AGENTS} concurrent runs, live heap after GC`]: {
      value: `${results.concurrent.liveHeapAfterGcMb} MB`,
      target: "",
      ok: "",
    },
    [`${CONCURRENT_AGENTS} concurrent runs, wall time`]: {
      value: `${results.concurrent.wallSeconds} s`,
      target: "",
      ok: "",
    },
    [`${CONCURRENT_AGENTS} concurrent runs, failures`]: {
      value: concurrent.failures,
      target: "0",
      ok: concurrent.failures === 0,
    },
  });

  const resultsPath = join(dirname(fileURLToPath(import.meta.url)), "..", "results", "agent-overhead.json");
  await mkdir(dirname(resultsPath), { recursive: true });
  await writeFile(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`Wrote ${resultsPath}`);
}

await main();
