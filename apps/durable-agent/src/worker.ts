/**
 * The worker: serves the agent as the Restate virtual object "assistant". Restate calls it for
 * every run; it holds no state of its own, so it can be killed and restarted at any time.
 */
import { ToolCallingAgent, tool } from "@smol/core";
import { OpenAIModel } from "@smol/models-openai";
import { serveAgent } from "@smol/restate";

const refund = tool(
  {
    name: "refund",
    description: "Refunds an order. A human approves every refund.",
    inputs: {
      orderId: { type: "string", description: "The order." },
      amount: { type: "number", description: "In euros." },
    },
    outputType: "string",
    needsApproval: true,
  },
  async ({ orderId, amount }) => `Refunded ${amount} EUR on order ${orderId}.`,
);

const worker = await serveAgent({
  name: "assistant",
  port: Number(process.env.PORT ?? 9080),
  agent: () =>
    new ToolCallingAgent({
      model: new OpenAIModel({
        modelId: "gpt-4o",
        apiBase: process.env.MODEL_BASE_URL,
        apiKey: process.env.OPENAI_API_KEY ?? "sk-fake",
      }),
      tools: [refund],
    }),
});
process.stdout.write(`worker listening on ${worker.url}\n`);
