/**
 * bench/executor-blaxel: what BlaxelExecutor costs through the real `@blaxel/core` SDK, against
 * the local fake of Blaxel's control plane and sandbox API from @smol/testing (whose "sandbox" is a child
 * process on this machine). The figures measure smol's transport and the SDK, not Blaxel's cloud:
 * no network, no microVM boot.
 *
 * 1. Cold start: from `new BlaxelExecutor()` to the first result (create the sandbox, start the
 *    runtime process, send the runtime over stdin, `init` → `ready`, run `1`).
 * 2. Trivial run: the round trip of `1 + 1` on a warm sandbox.
 * 3. Tool call round trip: Python → host tool → Python, measured inside runs that make many
 *    calls, minus the same loop without the call.
 *
 * Prints a table and writes bench/results/executor-blaxel.json.
 * Run: pnpm bench executor-blaxel   (or: cd bench && pnpm exec tsx --tsconfig tsconfig.json src/executor-blaxel.ts)
 */
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BlaxelExecutor } from "@smol/executor-blaxel";
import { startFakeBlaxel } from "@smol/testing";
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
const API_KEY = "bl_bench_key";
const WORKSPACE = "bench-workspace";
const SANDBOX =
  "local fake (@smol/testing startFakeBlaxel): measures smol's transport and the @blaxel/core SDK, not Blaxel's cloud";

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const fake = await startFakeBlaxel({ apiKey: API_KEY, workspace: WORKSPACE });
  // The SDK reads its control plane from BL_API_URL. A region makes it want HTTP/2 to Blaxel's
  // edge; the fake speaks HTTP/1.1 on loopback.
  process.env.BL_API_URL = fake.apiUrl;
  process.env.BL_DISABLE_H2 = "true";
  const create = () => new BlaxelExecutor({ apiKey: API_KEY, workspace: WORKSPACE, region: "us-pdx-1" });
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
      benchmark: "executor-blaxel",
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
    console.log(`BlaxelExecutor, sandbox: ${SANDBOX}`);
    console.table({
      "cold start → first result": row(results.coldStart),
      "trivial run (1 + 1)": row(results.trivialRun),
      "tool call round trip": row(results.toolCallRoundTrip),
    });
    const output = join(dirname(fileURLToPath(import.meta.url)), "..", "results", "executor-blaxel.json");
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
