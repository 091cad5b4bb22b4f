#!/usr/bin/env node
/**
 * `pnpm start`: runs the real `smolagent` command on a machine with no API key and no network.
 * The model is a local fake OpenAI server (from @smol/testing) that plays a scripted model; the
 * agent, the sandbox (Python in WebAssembly) and the code it runs are real. Point smolagent at a
 * real model (HF_TOKEN, OPENAI_API_KEY, --model-type …) to give it any task.
 *
 * Extra arguments go to smolagent, e.g. `pnpm start -- --output json` or `-- --no-stream`.
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFakeOpenAIServer } from "@smol/testing";

const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "smolagent.js");
const task = "Could you give me the 118th number in the Fibonacci sequence?";
const apiKey = "sk-local-demo";

// The scripted model's two steps. The second reads the variable the first step left in the
// sandbox: the answer is what Python computed, not a canned string.
const replies = [
  "Thought: I will compute the Fibonacci sequence iteratively in Python, counting F(1) = F(2) = 1.\n" +
    '<code>\na, b = 0, 1\nfor _ in range(118):\n    a, b = b, a + b\nprint(f"F(118) = {a}")\n</code>',
  "Thought: The sandbox printed F(118); I give it as the final answer.\n<code>\nfinal_answer(str(a))\n</code>",
];

const server = await startFakeOpenAIServer({ replies, apiKey, chunkSize: 6 });
console.log(
  `smol quick start: smolagent against a local scripted model at ${server.baseURL} (no key, no network).\n` +
    "The code below really runs in the local sandbox.\n",
);
const child = spawn(
  process.execPath,
  [
    bin,
    task,
    "--model-type",
    "OpenAIModel",
    "--model-id",
    "scripted-demo",
    "--api-base",
    server.baseURL,
    "--api-key",
    apiKey,
    ...process.argv.slice(2),
  ],
  { stdio: "inherit" },
);
// Ctrl-C reaches smolagent too (same terminal); this process waits for it to clean up.
process.on("SIGINT", () => {});
child.on("close", async (code) => {
  await server.close();
  process.exit(code ?? 1);
});
