import { tool } from "@smol/core";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { answer, callTool, Gate, tasksIn, toolCallingAgent } from "./__tests__/agents.js";
import { hasChromium, launchChromium, sendMessage } from "./__tests__/browser.js";
import { AgentUI, type LaunchedAgentUI } from "./index.js";

/** A tool that echoes a word, so that each run leaves its own trace in the page. */
const echoTool = tool(
  {
    name: "echo",
    description: "Repeats a word.",
    inputs: { word: { type: "string", description: "The word." } },
    outputType: "string",
  },
  async ({ word }) => `echo: ${word}`,
);

describe.skipIf(!hasChromium)("AgentUI runs and tabs (headless Chromium)", { timeout: 60_000 }, () => {
  let browser: Browser;
  let ui: LaunchedAgentUI | undefined;
  let firstTab: Page;
  let secondTab: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    [firstTab, secondTab] = await Promise.all([browser.newPage(), browser.newPage()]);
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await ui?.close();
    ui = undefined;
  });

  it("Stop interrupts a long run at the end of the current step", async () => {
    const toolStarted = new Gate();
    const toolMayFinish = new Gate();
    const slowTool = tool(
      {
        name: "crunch_numbers",
        description: "Crunches numbers for a long time.",
        inputs: {},
        outputType: "string",
      },
      async () => {
        toolStarted.open();
        await toolMayFinish.opened;
        return "crunched";
      },
    );
    // Without Stop this run would go on for 50 steps.
    const agent = toolCallingAgent(() => callTool("crunch_numbers"), { tools: [slowTool], maxSteps: 50 });
    ui = await new AgentUI(agent, { port: 0 }).launch({ quiet: true, open: false });
    await firstTab.goto(ui.url);
    await sendMessage(firstTab, "Crunch numbers until I say stop.");
    await toolStarted.opened;

    await firstTab.getByRole("button", { name: "Stop" }).click();
    await expect
      .poll(() => firstTab.getByRole("status").textContent())
      .toBe("Stopping at the end of the current step…");
    toolMayFinish.open();

    await firstTab.locator(".run-status.stopped").waitFor();
    expect(await firstTab.locator(".run-status").textContent()).toBe(
      "Stopped at the end of step 1, as you asked.",
    );
    expect(await firstTab.locator("article.step").count()).toBe(1);
    expect(await firstTab.locator("article.step .tool-output pre").textContent()).toBe("crunched");
    expect(await firstTab.locator(".final-answer").count()).toBe(0);
    expect(await firstTab.getByRole("button", { name: "Send" }).isEnabled()).toBe(true);
  });

  it("gives each tab its own agent with agentFactory, and two runs at once never mix", async () => {
    let modelCallsWaiting = 0;
    const bothRunning = new Gate();
    const makeAgent = () =>
      toolCallingAgent(
        async (messages, _options, callIndex) => {
          const word = /Say (\w+)/.exec(tasksIn(messages).at(-1) ?? "")?.[1] ?? "nothing";
          if (callIndex === 0) {
            // Hold each run until the other has started: both are in flight together.
            modelCallsWaiting += 1;
            if (modelCallsWaiting === 2) bothRunning.open();
            await bothRunning.opened;
            return callTool("echo", { word });
          }
          return answer(`Said ${word}`);
        },
        { tools: [echoTool], streamOutputs: true },
      );
    const givenAgent = makeAgent();
    const madeAgents: ReturnType<typeof makeAgent>[] = [];
    const agentFactory = () => {
      const agent = makeAgent();
      madeAgents.push(agent);
      return agent;
    };
    ui = await new AgentUI(givenAgent, { port: 0, agentFactory }).launch({ quiet: true });
    await Promise.all([firstTab.goto(ui.url), secondTab.goto(ui.url)]);
    await Promise.all([sendMessage(firstTab, "Say apples"), sendMessage(secondTab, "Say pears")]);
    await Promise.all([
      firstTab.locator(".run-status.done").waitFor(),
      secondTab.locator(".run-status.done").waitFor(),
    ]);

    const first = (await firstTab.locator("#transcript").textContent()) ?? "";
    const second = (await secondTab.locator("#transcript").textContent()) ?? "";
    expect(first).toContain("echo: apples");
    expect(first).toContain("Said apples");
    expect(first).not.toContain("pears");
    expect(second).toContain("echo: pears");
    expect(second).toContain("Said pears");
    expect(second).not.toContain("apples");
    expect(madeAgents).toHaveLength(1);
    const memories = [givenAgent, madeAgents[0]!].map((agent) =>
      JSON.stringify(agent.writeMemoryToMessages()),
    );
    expect(memories.filter((memory) => memory.includes("Say apples"))).toHaveLength(1);
    expect(memories.filter((memory) => memory.includes("Say pears"))).toHaveLength(1);
  });

  it("with a single agent, refuses a second tab's task while one runs, with a message", async () => {
    const mayAnswer = new Gate();
    let calls = 0;
    const agent = toolCallingAgent(async (messages) => {
      calls += 1;
      if (calls === 1) await mayAnswer.opened;
      return answer(`I can see ${tasksIn(messages).length} task(s).`);
    });
    const launched = await new AgentUI(agent, { port: 0 }).launch({ quiet: true });
    ui = launched;
    await Promise.all([firstTab.goto(launched.url), secondTab.goto(launched.url)]);
    expect(await firstTab.locator(".mode-notice").textContent()).toContain("share its memory");

    await sendMessage(firstTab, "A long task");
    await expect.poll(() => calls).toBe(1);
    await sendMessage(secondTab, "Another task");
    await secondTab.locator(".run-status.failed").waitFor();
    expect(await secondTab.locator(".run-status.failed").textContent()).toContain(
      "busy with a task from another tab",
    );

    mayAnswer.open();
    await firstTab.locator(".run-status.done").waitFor();
    expect(await firstTab.locator(".answer-text").textContent()).toBe("I can see 1 task(s).");
    // One agent, one memory: the second tab's next task continues the same conversation.
    await sendMessage(secondTab, "Another task, again");
    await secondTab.locator(".run-status.done").waitFor();
    expect(await secondTab.locator(".answer-text").textContent()).toBe("I can see 2 task(s).");
  });
});
