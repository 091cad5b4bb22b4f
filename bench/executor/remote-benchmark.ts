/**
 * The measure-and-report routine of the remote executor benchmarks (E2B, Blaxel): the same three
 * measurements on an executor built by `create`, a table, and `results/<name>.json`. Each
 * benchmark only says how to build its executor against its fake.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PythonExecutor } from "@smol/core";
import {
  measureColdStarts,
  measureToolRoundTrips,
  measureTrivialRuns,
  type Summary,
  summarize,
} from "./measurements.js";

const COLD_STARTS = 3;
const TRIVIAL_RUNS = 30;
const TOOL_CALLS_PER_RUN = 30;
const TOOL_RUNS = 3;

export async function runRemoteExecutorBenchmark(options: {
  /** e.g. `executor-e2b`: the JSON goes to `results/<name>.json`. */
  name: string;
  /** e.g. `E2BExecutor`, for the table's title. */
  executorClass: string;
  /** What the sandbox is (a local fake): written beside the figures. */
  sandbox: string;
  create: () => PythonExecutor;
}): Promise<void> {
  const loadBefore = loadavg();
  const coldStart = summarize(await measureColdStarts(options.create, COLD_STARTS));
  const executor = options.create();
  let trivial: number[];
  let toolCall: number[];
  try {
    trivial = await measureTrivialRuns(executor, TRIVIAL_RUNS);
    toolCall = await measureToolRoundTrips(executor, TOOL_CALLS_PER_RUN, TOOL_RUNS);
  } finally {
    await executor.cleanup();
  }
  const results = {
    benchmark: options.name,
    sandbox: options.sandbox,
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    // The fake's sandboxes share the machine's CPUs with everything else: read the figures with it.
    loadAverage: { before: Number(loadBefore[0]!.toFixed(2)), after: Number(loadavg()[0]!.toFixed(2)) },
    coldStart,
    trivialRun: summarize(trivial),
    toolCallRoundTrip: { ...summarize(toolCall), callsPerRun: TOOL_CALLS_PER_RUN },
  };
  console.log(`${options.executorClass}, sandbox: ${options.sandbox}`);
  console.table({
    "cold start → first result": row(results.coldStart),
    "trivial run (1 + 1)": row(results.trivialRun),
    "tool call round trip": row(results.toolCallRoundTrip),
  });
  const output = join(dirname(fileURLToPath(import.meta.url)), "..", "results", `${options.name}.json`);
  await mkdir(dirname(output), { recursive: true });
  await writeFile(output, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`Wrote ${output}`);
}

function row(summary: Summary) {
  return {
    samples: summary.samples,
    "median ms": summary.medianMs,
    "p95 ms": summary.p95Ms,
    "min ms": summary.minMs,
    "max ms": summary.maxMs,
  };
}
