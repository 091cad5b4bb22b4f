/**
 * A durable agent on Restate, in one command: starts a local restate-server (127.0.0.1, a
 * temporary data directory, telemetry off), a worker process, and a run
 * whose refund needs a human's approval. The approval is given here after a pause; the run
 * could as well wait for days, with no process holding it.
 *
 * The model is the fake OpenAI server of @smol/testing, so no key or network is needed.
 */
import { fileURLToPath } from "node:url";
import { durableAgentClient, freePorts, QUIET_RESTATE_ENV, startLocalRestateServer } from "@smol/restate";
import { startFakeOpenAIServer, startTypeScriptChild } from "@smol/testing";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const model = await startFakeOpenAIServer({
  replies: [
    { toolCalls: [{ name: "refund", arguments: { orderId: "A-1042", amount: 30 } }] },
    { toolCalls: [{ name: "final_answer", arguments: { answer: "Order A-1042 was refunded 30 EUR." } }] },
  ],
});
const restate = await startLocalRestateServer({ resolveFrom: appDir });
const [port] = await freePorts(1);
const worker = await startTypeScriptChild(fileURLToPath(new URL("./worker.ts", import.meta.url)), [], {
  readyPattern: /worker listening on (\S+)/,
  cwd: appDir,
  env: { ...process.env, ...QUIET_RESTATE_ENV, PORT: String(port), MODEL_BASE_URL: model.baseURL },
});
try {
  await restate.register(worker.ready[1]!);
  const client = durableAgentClient({ url: restate.ingressUrl, name: "assistant" });
  const run = await client.startRun("customer-7", { task: "Refund order A-1042 (30 EUR)." });
  console.log(`started ${run.invocationId}`);

  for await (const event of client.followEvents("customer-7")) {
    console.log(`event ${event.index}: ${event.type}`);
    if (event.type === "approval-request") {
      const { approvals } = await client.state("customer-7");
      console.log(
        `waiting for a human: ${approvals[0]?.toolName} ${JSON.stringify(approvals[0]?.arguments)}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await client.approve("customer-7", String(event.approvalId));
      console.log("approved");
    }
  }
  const result = await run.result();
  console.log(`\n${result.state}: ${String(result.output)}`);
} finally {
  await worker.end("SIGTERM");
  await restate.stop();
  await model.close();
}
