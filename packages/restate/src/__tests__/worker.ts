/**
 * The worker process of the tests: serves a ToolCallingAgent ("tool-agent") and a CodeAgent
 * ("code-agent") through `serveAgent`, on OpenAIModel against the test's fake server. Tools write
 * each call they really make to COUNTER_FILE (the test counts them, across worker processes).
 *
 * SERVICE_SUFFIX is appended to both names: each test registers services of its own.
 *
 * HOLD_AT_MODEL_CALL=n makes the n-th model call this process really makes (not one answered from
 * the journal) wait forever before it is sent, after writing HOLD_FILE: the test then SIGKILLs
 * this process at a known point, between two journaled steps.
 */
import { appendFileSync, writeFileSync } from "node:fs";
import { CodeAgent, LogLevel, type Model, ToolCallingAgent, tool } from "@smol/core";
import { LocalPythonExecutor } from "@smol/executor-local";
import { OpenAIModel } from "@smol/models-openai";
import { serveAgents } from "../serve-agent.js";

const env = process.env;
const workerName = env.WORKER_NAME ?? "worker";
const counterFile = env.COUNTER_FILE!;
const holdAt = env.HOLD_AT_MODEL_CALL ? Number(env.HOLD_AT_MODEL_CALL) : undefined;
let liveModelCalls = 0;

function record(session: string, what: string): void {
  appendFileSync(counterFile, `${JSON.stringify({ worker: workerName, session, what })}\n`);
}

function makeTools(session: string) {
  const add = tool(
    {
      name: "add",
      description: "Adds two integers.",
      inputs: { a: { type: "integer", description: "a" }, b: { type: "integer", description: "b" } },
      outputType: "integer",
    },
    async ({ a, b }) => {
      record(session, `add ${a} ${b}`);
      return a + b;
    },
  );
  const sendPayment = tool(
    {
      name: "send_payment",
      description: "Sends money.",
      inputs: { amount: { type: "integer", description: "How much." } },
      outputType: "string",
      needsApproval: true,
    },
    async ({ amount }) => {
      record(session, `pay ${amount}`);
      return `paid ${amount}`;
    },
  );
  return [add, sendPayment];
}

function makeModel(session: string): Model {
  const model = new OpenAIModel({ modelId: "fake-model", apiBase: env.MODEL_BASE_URL!, apiKey: "sk-fake" });
  const generate = model.generate.bind(model);
  model.generate = async (messages, options) => {
    liveModelCalls += 1;
    record(session, "model");
    if (liveModelCalls === holdAt) {
      writeFileSync(env.HOLD_FILE!, String(liveModelCalls));
      await new Promise(() => {});
    }
    return await generate(messages, options);
  };
  return model;
}

const objectOptions = {
  retryPolicy: { initialInterval: 100, maxInterval: 300, maxAttempts: 1_000 },
  ...(env.INACTIVITY_TIMEOUT_MS ? { inactivityTimeout: Number(env.INACTIVITY_TIMEOUT_MS) } : {}),
};

const worker = await serveAgents({
  port: Number(env.WORKER_PORT ?? 0),
  agents: [
    {
      name: `tool-agent${env.SERVICE_SUFFIX ?? ""}`,
      objectOptions,
      agent: ({ sessionId }) => {
        record(sessionId, "build");
        return new ToolCallingAgent({
          model: makeModel(sessionId),
          tools: makeTools(sessionId),
          verbosityLevel: LogLevel.OFF,
        });
      },
    },
    {
      name: `code-agent${env.SERVICE_SUFFIX ?? ""}`,
      objectOptions,
      agent: ({ sessionId }) => {
        record(sessionId, "build");
        return new CodeAgent({
          model: makeModel(sessionId),
          tools: makeTools(sessionId),
          executor: new LocalPythonExecutor(),
          verbosityLevel: LogLevel.OFF,
        });
      },
    },
  ],
});
process.stdout.write(`listening ${worker.port}\n`);
