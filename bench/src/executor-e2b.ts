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
import { E2BExecutor } from "@smol/executor-e2b";
import { startFakeE2B } from "@smol/testing";
import { runRemoteExecutorBenchmark } from "../executor/remote-benchmark.js";

const API_KEY = "e2b_bench_key";
const SANDBOX =
  "local fake (@smol/testing startFakeE2B): measures smol's transport and the e2b SDK, not E2B's cloud";

async function main(): Promise<void> {
  const fake = await startFakeE2B({ apiKey: API_KEY });
  try {
    await runRemoteExecutorBenchmark({
      name: "executor-e2b",
      executorClass: "E2BExecutor",
      sandbox: SANDBOX,
      create: () =>
        new E2BExecutor({
          apiKey: API_KEY,
          sandboxOptions: { apiUrl: fake.apiUrl, sandboxUrl: fake.sandboxUrl },
        }),
    });
  } finally {
    await fake.close();
  }
}

await main();
