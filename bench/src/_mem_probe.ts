import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { LogLevel, ToolCallingAgent, tool } from "@smol/core";
import { OpenAIModel } from "@smol/models-openai";
import { startFakeOpenAIServer } from "@smol/testing";
const reply = (r: any) => (r.body.messages.length > 2 ? { toolCalls: [{ name: "final_answer", arguments: { answer: "done" } }] } : { toolCalls: [{ name: "noop", arguments: { n: 1 } }] });
if (process.argv.includes("--serve")) {
  const server = await startFakeOpenAIServer({ replies: reply });
  process.on("disconnect", () => process.exit(0));
  process.send?.(server.baseURL);
} else {
  const child = fork(fileURLToPath(import.meta.url), ["--serve"]);
  const url = await new Promise<string>((r) => child.once("message", (m) => r(m as string)));
  const noop = tool({ name: "noop", description: "Does nothing.", inputs: { n: { type: "integer", description: "A number." } }, outputType: "string" }, async ({ n }) => `ok ${n}`);
  const mb = (n: number) => (n / 2 ** 20).toFixed(1);
  const show = (label: string) => { const m = process.memoryUsage(); console.log(label, "rss", mb(m.rss), "heapTotal", mb(m.heapTotal), "heapUsed", mb(m.heapUsed), "external", mb(m.external), "ab", mb(m.arrayBuffers)); };
  const model = new OpenAIModel({ modelId: "gpt-4o", apiBase: url, apiKey: "sk-fake" });
  show("start");
  let peak = 0; let at: any;
  const sampler = setInterval(() => { const m = process.memoryUsage(); if (m.rss > peak) { peak = m.rss; at = m; } }, 5);
  const n = Number(process.argv[2] ?? 1000);
  const r = await Promise.allSettled(Array.from({ length: n }, () => new ToolCallingAgent({ tools: [noop], model, maxSteps: 4, verbosityLevel: LogLevel.OFF }).run("Call noop once.")));
  clearInterval(sampler);
  console.log("peak", mb(peak), "heapTotal", mb(at.heapTotal), "heapUsed", mb(at.heapUsed), "external", mb(at.external), "ab", mb(at.arrayBuffers), "fail", r.filter((x) => x.status === "rejected").length);
  show("end");
  child.disconnect();
}
