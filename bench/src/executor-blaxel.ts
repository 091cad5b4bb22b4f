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
import { BlaxelExecutor } from "@smol/executor-blaxel";
import { startFakeBlaxel } from "@smol/testing";
import { runRemoteExecutorBenchmark } from "../executor/remote-benchmark.js";

const API_KEY = "bl_bench_key";
const WORKSPACE = "bench-workspace";
const SANDBOX =
  "local fake (@smol/testing startFakeBlaxel): measures smol's transport and the @blaxel/core SDK, not Blaxel's cloud";

async function main(): Promise<void> {
  const fake = await startFakeBlaxel({ apiKey: API_KEY, workspace: WORKSPACE });
  // The SDK reads its control plane from BL_API_URL. A region makes it want HTTP/2 to Blaxel's
  // edge; the fake speaks HTTP/1.1 on loopback.
  process.env.BL_API_URL = fake.apiUrl;
  process.env.BL_DISABLE_H2 = "true";
  try {
    await runRemoteExecutorBenchmark({
      name: "executor-blaxel",
      executorClass: "BlaxelExecutor",
      sandbox: SANDBOX,
      create: () => new BlaxelExecutor({ apiKey: API_KEY, workspace: WORKSPACE, region: "us-pdx-1" }),
    });
  } finally {
    await fake.close();
  }
}

await main();
