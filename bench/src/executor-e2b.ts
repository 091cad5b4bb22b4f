/**
 * bench/executor-e2b: what E2BExecutor costs through the real `e2b` SDK, against the local
 * fake of E2B's control plane and envd daemon from @smol/testing (whose "sandbox" is a child
 * process on this machine). The figures measure smol's transport and the SDK, not E2B's cloud:
 * no network, no microVM boot.
 *
 * 1. Cold start: from `new E2BExecutor()` to the first result (create the sandbox, start the
 *    runtime process, send the runtime over stdin, `init` → `ready`, run `1`).
 * 2. Trivial run: the round trip of `1 + 1` on a warm sandbox.
 * 3. Tool call round trip: Python → host tool → Python, measured inside runs that make many
 *    calls, minus the same loop without the call.
 *
 * Prints a table and writes bench/results/executor-e2b.json.
 * Run: pnpm bench executor-e2b   (or: cd bench && pnpm exec tsx --tsconfig tsconfig.json src/executor-e2b.ts)
 */
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { E2BExecutor } from "@smol/executor-e2b";
import { startFakeE2B } from "@smol/testing";
import {
  measureColdStarts,
  measureToolRoundTrips,
  measureTrivialRuns,
  type Summary,
  summarize,
} from "../executor/measurements.js";

const COLD_STARTS = 3;
const TRIVIAL_RUNS = 30;
const TOOL_CALLS_PER_RUN = 30;
const TOOL_RUNS = 3;
const API_KEY = "e2b_bench_key";
const SANDBOX =
  "local fake (@smol/testing startFakeE2B): measures smol's transport and the e2b SDK, not E2B's cloud";

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const fake = await startFakeE2B({ apiKey: API_KEY });
  const create = () =>
    new E2BExecutor({
      apiKey: API_KEY,
      sandboxOptions: { apiUrl: fake.apiUrl, sandboxUrl: fake.sandboxUrl },
    });
  try {
    const coldStart = summarize(await measureColdStarts(create, COLD_STARTS));
    const executor = create();
    let trivial: number[];
    let toolCall: number[];
    try {
      trivial = await measureTrivialRuns(executor, TRIVIAL_RUNS);
      toolCall = await measureToolRoundTrips(executor, TOOL_CALLS_PER_RUN, TOOL_RUNS);
    } finally {
      await executor.cleanup();
    }
    const results = {
      benchmark: "executor-e2b",
      sandbox: SANDBOX,
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
    console.log(`E2BExecutor, sandbox: ${SANDBOX}`);
    console.table({
      "cold start → first result": row(results.coldStart),
      "trivial run (1 + 1)": row(results.trivialRun),
      "tool call round trip": row(results.toolCallRoundTrip),
    });
    const output = join(dirname(fileURLToPath(import.meta.url)), "..", "results", "executor-e2b.json");
    await mkdir(dirname(output), { recursive: true });
    await writeFile(output, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`Wrote ${output}`);
  } finally {
    await fake.close();
  }
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

await main();
