/**
 * bench/executor-docker: what running the model's code in a Docker container costs.
 *
 * 1. Cold start: from `new DockerExecutor()` to the first result (create, attach and start a
 *    hardened container, send the runtime over stdin, `init` → `ready`, run `1`).
 * 2. Trivial run: the round trip of `1 + 1` on a warm container.
 * 3. Tool call round trip: Python → host tool → Python, measured inside one run that makes
 *    many calls, minus the trivial run's cost.
 *
 * Needs a Docker engine with a python3 image: SMOL_DOCKER_HOST (or the engine started by
 * ./scripts/docker/start-engine.sh) and SMOL_DOCKER_IMAGE (default smol-python:bookworm).
 * Prints a table and writes bench/results/executor-docker.json.
 * Run: pnpm exec tsx bench/src/executor-docker.ts
 */
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { tool } from "@smol/core";
import { DockerExecutor } from "@smol/executor-docker";

const COLD_STARTS = 7;
const TRIVIAL_RUNS = 300;
const TOOL_CALLS_PER_RUN = 500;
const TOOL_RUNS = 5;

const host = process.env.SMOL_DOCKER_HOST ?? hostFromEnvFile() ?? "unix:///tmp/smol-docker/docker.sock";
const image = process.env.SMOL_DOCKER_IMAGE ?? "smol-python:bookworm";

function hostFromEnvFile(): string | undefined {
  try {
    return /^SMOL_DOCKER_HOST=(.+)$/m.exec(readFileSync("/tmp/smol-docker/env", "utf8"))?.[1]?.trim();
  } catch {
    return undefined;
  }
}

interface Summary {
  samples: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
}

function summarize(durations: number[]): Summary {
  const sorted = [...durations].sort((a, b) => a - b);
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

async function measureColdStarts(): Promise<number[]> {
  const durations: number[] = [];
  for (let index = 0; index < COLD_STARTS; index += 1) {
    const start = performance.now();
    const executor = new DockerExecutor({ host, image });
    try {
      const result = await executor.run("1");
      if (result.output !== 1) throw new Error(`Cold start run returned ${JSON.stringify(result)}`);
      durations.push(performance.now() - start);
    } finally {
      await executor.cleanup();
    }
  }
  return durations;
}

async function measureWarm(): Promise<{ trivial: number[]; toolCall: number[] }> {
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
  const executor = new DockerExecutor({ host, image });
  try {
    await executor.sendTools([echo]);
    for (let index = 0; index < 20; index += 1) await executor.run("1 + 1"); // warm-up
    const trivial: number[] = [];
    for (let index = 0; index < TRIVIAL_RUNS; index += 1) {
      const start = performance.now();
      const result = await executor.run("1 + 1");
      trivial.push(performance.now() - start);
      if (result.output !== 2) throw new Error(`Trivial run returned ${JSON.stringify(result)}`);
    }
    const trivialMedian = summarize(trivial).medianMs;
    const toolCall: number[] = [];
    for (let run = 0; run < TOOL_RUNS; run += 1) {
      calls = 0;
      const start = performance.now();
      const result = await executor.run(
        `total = 0\nfor i in range(${TOOL_CALLS_PER_RUN}):\n    total += echo(i)\ntotal`,
      );
      const elapsed = performance.now() - start;
      const expected = (TOOL_CALLS_PER_RUN * (TOOL_CALLS_PER_RUN - 1)) / 2;
      if (result.output !== expected || calls !== TOOL_CALLS_PER_RUN) {
        throw new Error(`Tool run returned ${JSON.stringify(result)} after ${calls} calls`);
      }
      toolCall.push((elapsed - trivialMedian) / TOOL_CALLS_PER_RUN);
    }
    return { trivial, toolCall };
  } finally {
    await executor.cleanup();
  }
}

async function main(): Promise<void> {
  const engineVersion = await new DockerExecutor({ host, image }).docker.version().catch((error: unknown) => {
    console.error(
      `No Docker engine answers at ${host} (${String(error)}). Start one: ./scripts/docker/start-engine.sh`,
    );
    process.exit(1);
  });
  const coldStart = summarize(await measureColdStarts());
  const warm = await measureWarm();
  const results = {
    benchmark: "executor-docker",
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    // The containers share the machine's CPUs with everything else: read the figures with it.
    loadAverage: Number(loadavg()[0]!.toFixed(2)),
    engine: { host, version: engineVersion.Version, image },
    coldStart,
    trivialRun: summarize(warm.trivial),
    toolCallRoundTrip: { ...summarize(warm.toolCall), callsPerRun: TOOL_CALLS_PER_RUN },
  };
  console.table({
    "cold start → first result": row(results.coldStart),
    "trivial run (1 + 1)": row(results.trivialRun),
    "tool call round trip": row(results.toolCallRoundTrip),
  });
  const output = join(dirname(fileURLToPath(import.meta.url)), "..", "results", "executor-docker.json");
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

await main();
