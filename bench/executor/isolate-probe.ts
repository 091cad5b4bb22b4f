/**
 * bench/executor/isolate-probe: a quick look at one shared sandbox process with N idle sessions:
 * which processes are under this one (with their command), the PSS of each, and a tool call round trip.
 * Run: cd bench && SESSIONS=10 pnpm exec tsx --tsconfig tsconfig.json executor/isolate-probe.ts
 */
import { readFileSync } from "node:fs";
import { LocalPythonExecutor } from "@smol/executor-local";
import { countingEchoTool, summarize } from "./measurements.js";
import { processTree } from "./process-tree.js";

const SESSIONS = Number(process.env.SESSIONS ?? 10);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
function describe(pid: number) {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(rollup)?.[1] ?? 0);
  const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").slice(0, 90);
  return {
    pid,
    pssMb: Math.round(kb("Pss") / 1024),
    rssMb: Math.round(kb("Rss") / 1024),
    anonMb: Math.round(kb("Anonymous") / 1024),
    command,
  };
}
const show = (label: string) => {
  const rows = processTree().map(describe);
  const total = rows.reduce((sum, row) => sum + row.pssMb, 0);
  console.log(label, JSON.stringify(rows, null, 1), "total PSS", total);
  return total;
};
show("before any");
const open = Array.from({ length: SESSIONS }, () => new LocalPythonExecutor({ isolation: "isolate" }));
await open[0]!.run("1");
await sleep(1500);
const one = show("one session");
for (const each of open.slice(1)) await each.run("x = 1");
await sleep(3000);
const all = show(`${SESSIONS} sessions`);
console.log(
  "per extra session",
  ((all - one) / (SESSIONS - 1)).toFixed(1),
  "MB; tree / sessions",
  (all / SESSIONS).toFixed(1),
);
if (!process.env.NO_TOOLS) {
  const echo = countingEchoTool();
  await open[0]!.sendTools([echo.tool]);
  const code = [
    "import time",
    "timings = []",
    "for i in range(2000):",
    "    s = time.perf_counter()",
    "    echo(i)",
    "    timings.append((time.perf_counter() - s) * 1000)",
    "timings",
  ].join("\n");
  for (let i = 0; i < 2; i++) await open[0]!.run(code);
  const result = await open[0]!.run(code);
  const summary = summarize(result.output as number[]);
  console.log(
    "tool call median µs",
    (summary.medianMs * 1000).toFixed(0),
    "p95",
    (summary.p95Ms * 1000).toFixed(0),
  );
}
await Promise.all(open.map((each) => each.cleanup()));
process.exit(0);
