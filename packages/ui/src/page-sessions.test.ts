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

  it("Stop aborts the model call in flight at once", async () => {
    let modelStarted = new Gate();
    let modelSawAbort = false;
    // A model that would answer only when aborted: without Stop reaching it, the run hangs.
    const agent = toolCallingAgent(
      (_messages, options) =>
        new Promise((_resolve, reject) => {
          modelStarted.open();
          options.signal?.addEventListener("abort", () => {
            modelSawAbort = true;
            reject(options.signal?.reason);
          });
        }),
      { maxSteps: 50 },
    );
    ui = await new AgentUI(agent, { port: 0 }).launch({ quiet: true, open: false });
    await firstTab.goto(ui.url);
    await sendMessage(firstTab, "Think for ever.");
    await modelStarted.opened;

    const pressed = Date.now();
    await firstTab.getByRole("button", { name: "Stop" }).click();
    await firstTab.locator(".run-status.stopped").waitFor({ timeout: 5_000 });
    const stoppedAfter = Date.now() - pressed;
    expect(modelSawAbort).toBe(true);
    expect(stoppedAfter).toBeLessThan(3_000);
    expect(await firstTab.locator(".run-status").textContent()).toMatch(/^Stopped .*, as you asked\.$/);
    expect(await firstTab.locator(".final-answer").count()).toBe(0);
    expect(await firstTab.getByRole("button", { name: "Send" }).isEnabled()).toBe(true);

    // The conversation goes on after a Stop: the next message runs (and is stopped) again.
    modelStarted = new Gate();
    modelSawAbort = false;
    await sendMessage(firstTab, "Again.");
    await modelStarted.opened;
    await firstTab.getByRole("button", { name: "Stop" }).click();
    await expect.poll(() => firstTab.locator(".run-status.stopped").count()).toBe(2);
    expect(modelSawAbort).toBe(true);
  });

  it("by default gives each tab its own session of the one agent: two runs at once never mix", async () => {
    let modelCallsWaiting = 0;
    const bothRunning = new Gate();
    const agent = toolCallingAgent(
      async (messages) => {
        const tasks = tasksIn(messages);
        const word = /Say (\w+)/.exec(tasks.at(-1) ?? "")?.[1] ?? "nothing";
        const isToolTurn = messages.at(-1)?.role === "user";
        if (isToolTurn && tasks.length === 1) {
          // Hold each first run until the other has started: both are in flight together.
          modelCallsWaiting += 1;
          if (modelCallsWaiting === 2) bothRunning.open();
          await bothRunning.opened;
        }
        if (isToolTurn) return callTool("echo", { word });
        // What this conversation remembers: the tasks its own memory holds.
        return answer(
          `Said ${word} after ${tasks.length} task(s): ${tasks.map((t) => /Say (\w+)/.exec(t)?.[1]).join(",")}`,
        );
      },
      { tools: [echoTool] },
    );
    ui = await new AgentUI(agent, { port: 0 }).launch({ quiet: true });
    await Promise.all([firstTab.goto(ui.url), secondTab.goto(ui.url)]);
    expect(await firstTab.locator(".mode-notice").count()).toBe(0);
    await Promise.all([sendMessage(firstTab, "Say apples"), sendMessage(secondTab, "Say pears")]);
    await Promise.all([
      firstTab.locator(".run-status.done").waitFor(),
      secondTab.locator(".run-status.done").waitFor(),
    ]);
    await sendMessage(firstTab, "Say plums");
    await expect.poll(() => firstTab.locator(".run-status.done").count()).toBe(2);

    const first = (await firstTab.locator("#transcript").textContent()) ?? "";
    const second = (await secondTab.locator("#transcript").textContent()) ?? "";
    expect(first).toContain("echo: apples");
    expect(first).toContain("Said plums after 2 task(s): apples,plums");
    expect(first).not.toContain("pears");
    expect(second).toContain("Said pears after 1 task(s): pears");
    expect(second).not.toContain("apples");
    // The agent's own (default) session was not used by either tab.
    expect(JSON.stringify(agent.writeMemoryToMessages())).not.toMatch(/apples|pears/);
  });

  it("a reload draws the conversation again; another tab does not see it", async () => {
    const agent = toolCallingAgent(
      async (messages) => {
        const word = /Say (\w+)/.exec(tasksIn(messages).at(-1) ?? "")?.[1] ?? "nothing";
        return messages.at(-1)?.role === "user" ? callTool("echo", { word }) : answer(`Said ${word}`);
      },
      { tools: [echoTool] },
    );
    ui = await new AgentUI(agent, { port: 0 }).launch({ quiet: true });
    await firstTab.goto(ui.url);
    await sendMessage(firstTab, "Say apples");
    await firstTab.locator(".run-status.done").waitFor();
    await sendMessage(firstTab, "Say plums");
    await expect.poll(() => firstTab.locator(".run-status.done").count()).toBe(2);
    const before = await firstTab.locator("#transcript").innerHTML();

    await firstTab.reload();
    await expect.poll(() => firstTab.locator(".run-status.done").count()).toBe(2);
    expect(await firstTab.locator(".message-user").allTextContents()).toEqual(["Say apples", "Say plums"]);
    expect(await firstTab.locator(".tool-output pre").allTextContents()).toEqual([
      "echo: apples",
      "Said apples",
      "echo: plums",
      "Said plums",
    ]);
    expect(await firstTab.locator(".answer-text").allTextContents()).toEqual(["Said apples", "Said plums"]);
    expect(await firstTab.locator("#transcript").innerHTML()).toBe(before);
    expect(await firstTab.locator("#welcome").isHidden()).toBe(true);
    // The reloaded page goes on with the same conversation.
    await sendMessage(firstTab, "Say pears");
    await expect.poll(() => firstTab.locator(".run-status.done").count()).toBe(3);

    await secondTab.goto(ui.url);
    await secondTab.waitForLoadState("networkidle");
    expect(await secondTab.locator("#transcript").textContent()).toBe("");
    expect(await secondTab.locator("#welcome").isVisible()).toBe(true);

    // New conversation: a reload then shows nothing of the old one.
    await firstTab.getByRole("button", { name: "New conversation" }).click();
    await expect.poll(() => firstTab.locator("#transcript").textContent()).toBe("");
    await firstTab.reload();
    await firstTab.waitForLoadState("networkidle");
    expect(await firstTab.locator("#transcript").textContent()).toBe("");
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
    const launched = await new AgentUI(agent, { port: 0, sessionMode: "single" }).launch({ quiet: true });
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
