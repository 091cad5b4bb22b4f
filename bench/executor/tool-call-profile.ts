/**
 * A microbenchmark of the tool-call hot path alone (Python → host tool → Python), to profile:
 *   cd bench && TSX_TSCONFIG_PATH=tsconfig.json node --cpu-prof --cpu-prof-dir /tmp/prof --import tsx executor/tool-call-profile.ts
 * Prints the median per-call round trip of a few runs of CALLS calls each.
 */
import { LocalPythonExecutor } from "@smol/executor-local";
import { measureToolRoundTrips, summarize } from "./measurements.js";

const CALLS = Number(process.env.CALLS ?? 2000);
const RUNS = Number(process.env.RUNS ?? 5);
const keepAlive = setInterval(() => {}, 60_000);
const executor = new LocalPythonExecutor();
try {
  const summary = summarize(await measureToolRoundTrips(executor, CALLS, RUNS));
  console.log(
    `tool call round trip: median ${(summary.medianMs * 1000).toFixed(0)} µs, p95 ${(summary.p95Ms * 1000).toFixed(0)} µs over ${RUNS} runs of ${CALLS} calls`,
  );
} finally {
  await executor.cleanup();
  clearInterval(keepAlive);
}
