// The second half of bench/agent-overhead: a thousand ToolCallingAgents running at once in this
// process, against the fake OpenAI server whose URL is argv[2], through OpenAIModel and the real
// `openai` SDK. It reports its figures to the parent over IPC.
//
// Plain JavaScript on purpose, run by plain `node`: its imports resolve to the packages' built
// `dist`, so the RSS measured is that of an application running smol, not that of a TypeScript
// loader compiling smol's sources on the fly (tsx alone adds ~70 MB to the baseline).
import { LogLevel, ToolCallingAgent, tool } from "@smol/core";
import { OpenAIModel } from "@smol/models-openai";

const CONCURRENT_AGENTS = 1_000;
const SAMPLE_EVERY_MS = 5;

const noop = tool(
  {
    name: "noop",
    description: "Does nothing.",
    inputs: { n: { type: "integer", description: "A number." } },
    outputType: "string",
  },
  async ({ n }) => `ok ${n}`,
);

const baseURL = process.argv[2];
// One model shared by all, as an application shares one client. Default retries: with a
// thousand connections opened at once, a few may be refused and retried.
const model = new OpenAIModel({ modelId: "gpt-4o", apiBase: baseURL, apiKey: "sk-fake" });
const agents = Array.from(
  { length: CONCURRENT_AGENTS },
  () => new ToolCallingAgent({ tools: [noop], model, maxSteps: 4, verbosityLevel: LogLevel.OFF }),
);

const baselineRss = process.memoryUsage.rss();
let peakRss = baselineRss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, SAMPLE_EVERY_MS);
const start = performance.now();
const outcomes = await Promise.allSettled(agents.map((agent) => agent.run("Call noop once.")));
const wallSeconds = (performance.now() - start) / 1000;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage.rss());

const failures = outcomes.filter((outcome) => outcome.status === "rejected" || outcome.value !== "done");
if (failures[0]?.status === "rejected") console.error("First failure:", failures[0].reason);
const heapUsedBeforeGc = process.memoryUsage().heapUsed;
// The parent starts this process with --expose-gc, only to weigh what stays alive once the runs
// are over; the peak was measured before.
globalThis.gc?.();
process.send?.({
  agents: CONCURRENT_AGENTS,
  failures: failures.length,
  wallSeconds,
  baselineRssMb: baselineRss / 2 ** 20,
  peakRssMb: peakRss / 2 ** 20,
  heapUsedAtEndMb: heapUsedBeforeGc / 2 ** 20,
  liveHeapAfterGcMb: process.memoryUsage().heapUsed / 2 ** 20,
});
