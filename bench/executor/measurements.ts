import { spawn } from "node:child_process";
import { once } from "node:events";
import { performance } from "node:perf_hooks";
import { type PythonExecutor, tool } from "@smol/core";

/** Median, spread and sample count of a list of durations in milliseconds. */
export interface Summary {
  samples: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
}

export function summarize(durations: readonly number[]): Summary {
  const sorted = [...durations].sort((first, second) => first - second);
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
  const round = (value: number) => Number(value.toFixed(3));
  return {
    samples: sorted.length,
    medianMs: round(at(0.5)),
    p95Ms: round(at(0.95)),
    minMs: round(sorted[0]!),
    maxMs: round(sorted.at(-1)!),
  };
}

/** From `new Executor()` to the first result, `times` times, each with a fresh executor. */
export async function measureColdStarts(create: () => PythonExecutor, times: number): Promise<number[]> {
  const durations: number[] = [];
  for (let index = 0; index < times; index++) {
    const start = performance.now();
    const executor = create();
    try {
      const result = await executor.run("1");
      if (result.output !== 1) throw new Error(`A cold start returned ${JSON.stringify(result)}`);
      durations.push(performance.now() - start);
    } finally {
      await executor.cleanup();
    }
  }
  return durations;
}

/** The round trip of `1 + 1` on a warm executor. */
export async function measureTrivialRuns(executor: PythonExecutor, times: number): Promise<number[]> {
  for (let index = 0; index < 20; index++) await executor.run("1 + 1");
  const durations: number[] = [];
  for (let index = 0; index < times; index++) {
    const start = performance.now();
    const result = await executor.run("1 + 1");
    durations.push(performance.now() - start);
    if (result.output !== 2) throw new Error(`A trivial run returned ${JSON.stringify(result)}`);
  }
  return durations;
}

/** The host tool the tool-call benchmarks call from Python: returns its input, counts its calls. */
export function countingEchoTool() {
  let calls = 0;
  const echo = tool(
    {
      name: "echo",
      description: "Returns its input.",
      inputs: { value: { type: "integer", description: "Any number." } },
      outputType: "integer",
    },
    ({ value }) => {
      calls += 1;
      return value;
    },
  );
  return {
    tool: echo,
    get calls() {
      return calls;
    },
    reset() {
      calls = 0;
    },
  };
}

/**
 * Python that calls the `echo` tool `calls` times and returns each round trip in milliseconds,
 * timed inside the sandbox (so the host's scheduling of the run itself is not counted).
 */
export function timedEchoCallsCode(calls: number): string {
  return [
    "import time",
    "timings = []",
    `for i in range(${calls}):`,
    "    started = time.perf_counter()",
    "    if echo(i) != i: raise ValueError(i)",
    "    timings.append((time.perf_counter() - started) * 1000)",
    "timings",
  ].join("\n");
}

/**
 * Python → host tool → Python: runs that each make `callsPerRun` calls, minus the cost of the
 * same loop without the call, divided by the number of calls.
 */
export async function measureToolRoundTrips(
  executor: PythonExecutor,
  callsPerRun: number,
  runs: number,
): Promise<number[]> {
  const echo = countingEchoTool();
  await executor.sendTools([echo.tool]);
  const loop = (body: string) => `total = 0\nfor i in range(${callsPerRun}):\n    total += ${body}\ntotal`;
  const expected = (callsPerRun * (callsPerRun - 1)) / 2;
  await executor.run(loop("echo(i)"));
  const durations: number[] = [];
  for (let run = 0; run < runs; run++) {
    echo.reset();
    let start = performance.now();
    const withCalls = await executor.run(loop("echo(i)"));
    const withCallsMs = performance.now() - start;
    start = performance.now();
    await executor.run(loop("i"));
    const withoutCallsMs = performance.now() - start;
    if (withCalls.output !== expected || echo.calls !== callsPerRun) {
      throw new Error(`A tool run returned ${JSON.stringify(withCalls)} after ${echo.calls} calls`);
    }
    durations.push((withCallsMs - withoutCallsMs) / callsPerRun);
  }
  return durations;
}

/** CPU-bound snippets, timed inside Python so that the protocol is not counted. */
export const CPU_WORKLOADS: Record<string, { setup: string; expression: string }> = {
  "fib(25)": {
    setup: "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)",
    expression: "fib(25)",
  },
  "list comprehension over 10^6 items": {
    setup: "",
    expression: "[i * i for i in range(1_000_000)]",
  },
};

/** The first execution of a workload, and its best time once the JIT has warmed up. */
export interface CpuTiming {
  firstMs: number;
  steadyMs: number;
  /** Runs it took before the timings stopped improving (V8's optimizing tier had kicked in). */
  warmUpRuns: number;
}

/** Bounds on the warm-up, so that a machine where timings never settle still ends the benchmark. */
export interface WarmUpLimits {
  minRuns: number;
  maxRuns: number;
  /** Consecutive runs compared with the ones before them to decide that timings settled. */
  window: number;
  repeats: number;
}

/**
 * Each repetition is a separate `run`, as each step of an agent is. That matters for Pyodide:
 * V8 compiles hot WebAssembly with its optimizing tier in the background, but it cannot swap the
 * new code into a function that is already running (WebAssembly has no on-stack replacement), and
 * CPython 3.11+ runs Python-to-Python calls inside one invocation of its interpreter loop. A loop
 * of repetitions inside one run would therefore stay on the baseline code for its whole length;
 * separate runs each enter the interpreter afresh and pick up the optimized code once it is there.
 *
 * Warm-up ends when the median of the last `window` runs is no better than 2% over the median of
 * the `window` before it (and at least `minRuns` ran); then the best of `repeats` runs is kept.
 */
export async function measureCpu(
  executor: PythonExecutor,
  workload: { setup: string; expression: string },
  limits: WarmUpLimits,
): Promise<CpuTiming> {
  const setup = await executor.run(
    [
      "import time",
      workload.setup,
      "def time_workload_once():",
      "    started = time.perf_counter()",
      `    ${workload.expression}`,
      "    return (time.perf_counter() - started) * 1000",
    ].join("\n"),
  );
  if (setup.error) throw new Error(`The CPU workload did not set up: ${JSON.stringify(setup.error)}`);
  const timeOnce = async (): Promise<number> => {
    const result = await executor.run("time_workload_once()");
    if (typeof result.output !== "number") throw new Error(`A CPU run returned ${JSON.stringify(result)}`);
    return result.output;
  };
  const warmUp: number[] = [await timeOnce()];
  while (warmUp.length < limits.maxRuns && !settled(warmUp, limits)) warmUp.push(await timeOnce());
  const repeats: number[] = [];
  for (let index = 0; index < limits.repeats; index++) repeats.push(await timeOnce());
  return {
    firstMs: Number(warmUp[0]!.toFixed(3)),
    steadyMs: Number(Math.min(...repeats).toFixed(3)),
    warmUpRuns: warmUp.length,
  };
}

function settled(timings: number[], limits: WarmUpLimits): boolean {
  if (timings.length < Math.max(limits.minRuns, 2 * limits.window)) return false;
  const recent = median(timings.slice(-limits.window));
  const before = median(timings.slice(-2 * limits.window, -limits.window));
  return recent >= before * 0.98;
}

function median(values: number[]): number {
  const sorted = [...values].sort((first, second) => first - second);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * The floor under any tool call of a process sandbox on this machine: a line to a child process
 * and one back over pipes, with nothing else (no Python, no protocol, no validation). The child
 * (a Node process) blocks on its reads, as the sandbox does; this process reads with its event
 * loop, as the host does. Returns each round trip in milliseconds, after a warm-up.
 */
export async function measurePipeRoundTrips(trips: number): Promise<number[]> {
  const warmUp = 200;
  const child = spawn(
    process.execPath,
    [
      "-e",
      `const fs = require("node:fs"); const buffer = Buffer.alloc(65536); const line = Buffer.from('{"type":"tool_call","callId":"c1","name":"echo","args":[1],"kwargs":{}}\\n');
for (let trip = 0; trip < ${trips + warmUp}; trip++) { fs.writeSync(1, line); if (fs.readSync(0, buffer) === 0) break; }`,
    ],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const durations: number[] = [];
  let sentAt = performance.now();
  let received = 0;
  child.stdout.on("data", () => {
    const now = performance.now();
    if (received > warmUp) durations.push(now - sentAt);
    received += 1;
    sentAt = performance.now();
    child.stdin.write('{"type":"tool_result","callId":"c1","value":1}\n');
  });
  await once(child, "exit");
  if (durations.length < trips - 1) throw new Error(`The pipe child made ${durations.length} round trips`);
  return durations;
}
