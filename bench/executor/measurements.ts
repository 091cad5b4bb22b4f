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

/**
 * Python → host tool → Python: runs that each make `callsPerRun` calls, minus the cost of the
 * same loop without the call, divided by the number of calls.
 */
export async function measureToolRoundTrips(
  executor: PythonExecutor,
  callsPerRun: number,
  runs: number,
): Promise<number[]> {
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
  await executor.sendTools([echo]);
  const loop = (body: string) => `total = 0\nfor i in range(${callsPerRun}):\n    total += ${body}\ntotal`;
  const expected = (callsPerRun * (callsPerRun - 1)) / 2;
  await executor.run(loop("echo(i)"));
  const durations: number[] = [];
  for (let run = 0; run < runs; run++) {
    calls = 0;
    let start = performance.now();
    const withCalls = await executor.run(loop("echo(i)"));
    const withCallsMs = performance.now() - start;
    start = performance.now();
    await executor.run(loop("i"));
    const withoutCallsMs = performance.now() - start;
    if (withCalls.output !== expected || calls !== callsPerRun) {
      throw new Error(`A tool run returned ${JSON.stringify(withCalls)} after ${calls} calls`);
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
}

/**
 * Runs the workload `warmUps` times (V8 compiles hot WebAssembly with its optimizing tier in the
 * background, so Pyodide gets faster over the first seconds), then keeps the best of `repeats`.
 */
export async function measureCpu(
  executor: PythonExecutor,
  workload: { setup: string; expression: string },
  warmUps: number,
  repeats: number,
): Promise<CpuTiming> {
  const code = [
    "import time",
    workload.setup,
    "timings = []",
    `for _ in range(${warmUps + repeats}):`,
    "    started = time.perf_counter()",
    `    ${workload.expression}`,
    "    timings.append((time.perf_counter() - started) * 1000)",
    `[timings[0], min(timings[${warmUps}:])]`,
  ].join("\n");
  const result = await executor.run(code);
  const timings = result.output as [number, number] | null;
  if (!Array.isArray(timings)) throw new Error(`A CPU run returned ${JSON.stringify(result)}`);
  return { firstMs: Number(timings[0].toFixed(3)), steadyMs: Number(timings[1].toFixed(3)) };
}
