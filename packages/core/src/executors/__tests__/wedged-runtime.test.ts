/**
 * A guest that replaces its runtime's message handler so that `define_tools` and
 * `set_variables` are never acknowledged (real Python, the real runtime in python3): the next
 * `agent.run` must not hang, `interrupt()` and the run's signal must free the agent, and a run
 * afterwards works.
 */
import { ScriptedModel } from "@smol/testing";
import { afterEach, describe, expect, it } from "vitest";
import { CodeAgent } from "../../agents/code-agent/code-agent.js";
import { AgentInterruptedError } from "../../errors.js";
import { LogLevel } from "../../logging/agent-logger.js";
import { tool } from "../../tools/function-tool.js";
import { spawnRuntimeProcess } from "../child-process-transport.js";
import { RuntimeExecutor } from "../runtime-executor.js";
import { runtimeSourcePath } from "../runtime-source.js";

/** Finds the runtime through final_answer's closure and drops define_tools and set_variables. */
const WEDGE = [
  "runtime = next(cell.cell_contents for cell in final_answer.__closure__",
  "               if type(cell.cell_contents).__name__ == 'Runtime')",
  "original = runtime.handle",
  "def handle(message):",
  "    if message['type'] in ('define_tools', 'set_variables'):",
  "        return",
  "    return original(message)",
  "runtime.handle = handle",
  "final_answer('wedged')",
].join("\n");

const executors: RuntimeExecutor[] = [];
afterEach(async () => {
  await Promise.all(executors.splice(0).map((executor) => executor.cleanup()));
});

function python3Executor(): RuntimeExecutor {
  const executor = new RuntimeExecutor({
    name: "TestExecutor",
    timeoutSeconds: 20,
    createTransport: (signal) =>
      spawnRuntimeProcess({
        command: "python3",
        args: ["-u", runtimeSourcePath()],
        env: { PATH: process.env.PATH ?? "" },
        signal,
      }),
  });
  executors.push(executor);
  return executor;
}

const greet = tool(
  {
    name: "greet",
    description: "Greets someone.",
    inputs: { name: { type: "string", description: "who" } },
    outputType: "string",
  },
  async ({ name }) => `hello ${name}`,
);

/** An agent whose first run wedges its runtime. */
async function wedgedAgent(nextReplies: string[]) {
  const model = new ScriptedModel([`<code>\n${WEDGE}\n</code>`, ...nextReplies]);
  const agent = new CodeAgent({
    tools: [greet],
    model,
    executor: python3Executor(),
    verbosityLevel: LogLevel.OFF,
  });
  expect(await agent.run("wedge the runtime")).toBe("wedged");
  return agent;
}

describe("a wedged runtime does not wedge the agent", () => {
  it("the next run restarts the runtime and works, with tools and variables", async () => {
    const agent = await wedgedAgent(["<code>\nfinal_answer(greet(who))\n</code>"]);
    const started = Date.now();
    const answer = await agent.run("greet", { additionalArgs: { who: "ada" } });
    expect(answer).toBe("hello ada");
    // Freed by the acknowledgement deadline, not by the run's 20 s timeout.
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);

  it("the run's signal frees it at once, and a run afterwards works", async () => {
    const agent = await wedgedAgent([
      "<code>\nfinal_answer('never')\n</code>",
      "<code>\nfinal_answer(greet('bob'))\n</code>",
    ]);
    const controller = new AbortController();
    const running = agent.run("stuck", { signal: controller.signal, additionalArgs: { x: 1 } });
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    await expect(running).rejects.toBeInstanceOf(AgentInterruptedError);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await agent.run("again")).toBe("hello bob");
  }, 30_000);

  it("interrupt() frees it at the end of the step, and a run afterwards works", async () => {
    const agent = await wedgedAgent([
      "<code>\nprint('step one')\n</code>",
      "<code>\nfinal_answer(greet('cy'))\n</code>",
    ]);
    const running = agent.run("stuck", { additionalArgs: { x: 1 } });
    setTimeout(() => agent.interrupt(), 300);
    await expect(running).rejects.toBeInstanceOf(AgentInterruptedError);
    expect(await agent.run("again")).toBe("hello cy");
  }, 30_000);
});
