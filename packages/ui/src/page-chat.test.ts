import { tool } from "@smol/core";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { answer, callTool, Gate, tasksIn, toolCallingAgent, weatherTool } from "./__tests__/agents.js";
import { hasChromium, launchChromium, runOutline, sendMessage } from "./__tests__/browser.js";
import { AgentUI, GradioUI, type LaunchedAgentUI } from "./index.js";

describe.skipIf(!hasChromium)("AgentUI chat page (headless Chromium)", { timeout: 60_000 }, () => {
  let browser: Browser;
  let ui: LaunchedAgentUI | undefined;
  let page: Page;

  // One tab for the whole file (opening one is slow); each test loads a fresh page in it.
  // Script errors, and anything the content security policy blocked, end up here.
  const pageProblems: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    page.on("pageerror", (error) => pageProblems.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageProblems.push(message.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await ui?.close();
    ui = undefined;
    expect(pageProblems).toEqual([]);
  });

  async function openPage(launched: LaunchedAgentUI): Promise<Page> {
    ui = launched;
    await page.goto(launched.url);
    return page;
  }

  it("streams each step as it happens, in order, then stands out the final answer", async () => {
    const secondStep = new Gate();
    const cities: string[] = [];
    const agent = toolCallingAgent(
      async (_messages, _options, callIndex) => {
        if (callIndex === 0) {
          return {
            content: "I will look up the weather in Paris.",
            toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }],
          };
        }
        await secondStep.opened;
        return {
          content: "I have what I need.",
          toolCalls: [{ name: "final_answer", arguments: { answer: "Sunny in Paris" } }],
        };
      },
      { tools: [weatherTool(cities)], name: "weather_agent", streamOutputs: true },
    );
    const page = await openPage(await new AgentUI(agent, { port: 0 }).launch({ quiet: true }));
    await expect.poll(() => page.title()).toBe("weather_agent");
    expect(await page.locator("#model-id").textContent()).toBe("scripted/tiny-model");

    await sendMessage(page, "What's the weather like in Paris?");
    await expect
      .poll(() => page.locator(".message-user").textContent())
      .toContain("What's the weather like in Paris?");

    // Step 1 is on the page while the model still thinks about step 2: the run streams.
    const firstStep = page.locator("article.step").first();
    await firstStep.locator(".step-footer").waitFor();
    expect(await firstStep.locator(".thought").textContent()).toBe("I will look up the weather in Paris.");
    expect(await firstStep.locator(".block-label").first().textContent()).toBe("Calls the tool get_weather");
    expect(JSON.parse((await firstStep.locator("pre.arguments").textContent()) ?? "")).toEqual({
      city: "Paris",
    });
    expect(await firstStep.locator(".tool-output pre").textContent()).toBe("Sunny and 24°C in Paris");
    expect(await firstStep.locator(".step-footer").textContent()).toMatch(
      /^Step 1 · \d+\.\d\d s · 100 input tokens · 20 output tokens$/,
    );
    expect(await page.locator(".final-answer").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Stop" }).isEnabled()).toBe(true);

    secondStep.open();
    await page.locator(".run-status.done").waitFor();
    expect(await runOutline(page)).toEqual(["Step 1", "Step 2", "Final answer", "run-status done"]);
    expect(await page.locator(".final-answer .answer-text").textContent()).toBe("Sunny in Paris");
    expect(cities).toEqual(["Paris"]);
    expect(await page.getByRole("button", { name: "Send" }).isEnabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Stop" }).isEnabled()).toBe(false);
    // Ready for the next message from the keyboard.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("task");
  });

  it("can be used from the keyboard alone, and announces the stream to screen readers", async () => {
    const agent = toolCallingAgent([answer("Hello from the keyboard.")]);
    const page = await openPage(await new AgentUI(agent, { port: 0 }).launch({ quiet: true }));
    const log = page.getByRole("log", { name: "Conversation with the agent" });
    expect(await log.getAttribute("aria-live")).toBe("polite");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("task");
    await page.keyboard.type("Say hello");
    await page.keyboard.press("Shift+Enter");
    await page.keyboard.type("politely");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Send");
    await page.keyboard.press("Enter");
    await page.locator(".run-status.done").waitFor();
    expect(await page.locator(".message-user p").textContent()).toBe("Say hello\npolitely");
    expect(await log.locator(".answer-text").textContent()).toBe("Hello from the keyboard.");
  });

  it("continues the conversation across messages, and New conversation clears the memory", async () => {
    // The model answers with how many tasks it can see in its memory.
    const agent = toolCallingAgent((messages) => answer(`I can see ${tasksIn(messages).length} task(s).`));
    const page = await openPage(await new GradioUI(agent).launch({ quiet: true }));
    const answers = page.locator(".final-answer .answer-text");

    await sendMessage(page, "First question");
    await expect.poll(() => answers.allTextContents()).toEqual(["I can see 1 task(s)."]);
    await page.locator(".run-status").first().waitFor();
    await sendMessage(page, "Second question");
    await expect
      .poll(() => answers.allTextContents())
      .toEqual(["I can see 1 task(s).", "I can see 2 task(s)."]);
    // The tab talks to its own session of the agent: the agent's default session is untouched.
    expect(agent.memory.steps).toHaveLength(0);

    await page.locator(".run-status").nth(1).waitFor();
    await page.getByRole("button", { name: "New conversation" }).click();
    await expect.poll(() => page.locator("#transcript").innerHTML()).toBe("");
    expect(await page.locator("#welcome").isVisible()).toBe(true);
    expect(await page.getByRole("status").textContent()).toContain("memory was cleared");

    await sendMessage(page, "Third question");
    await expect.poll(() => answers.allTextContents()).toEqual(["I can see 1 task(s)."]);
  });

  it("shows a failing tool as an error, and the run goes on", async () => {
    const brokenWeather = tool(
      {
        name: "get_weather",
        description: "Gives the current weather in a city.",
        inputs: { city: { type: "string", description: "The city." } },
        outputType: "string",
      },
      async () => {
        throw new Error("the weather service is down");
      },
    );
    const agent = toolCallingAgent(
      [callTool("get_weather", { city: "Oslo" }), answer("I could not get the weather.")],
      {
        tools: [brokenWeather],
      },
    );
    const page = await openPage(await new AgentUI(agent, { port: 0 }).launch({ quiet: true }));
    await sendMessage(page, "Weather in Oslo?");
    await page.locator(".run-status.done").waitFor();

    const failed = page.locator("article.step").first().locator(".tool-output.error");
    expect(await failed.locator(".block-label").textContent()).toBe("Error from get_weather");
    expect(await failed.textContent()).toContain("the weather service is down");
    const color = await failed.locator("pre").evaluate((node) => getComputedStyle(node).color);
    const normal = await page
      .locator(".thought")
      .first()
      .evaluate((node) => getComputedStyle(node).color);
    expect(color).not.toBe(normal);
    expect(await page.locator(".final-answer .answer-text").textContent()).toBe(
      "I could not get the weather.",
    );
  });

  it("says when a run fails, and the page stays usable", async () => {
    const agent = toolCallingAgent([new Error("connection refused by the provider"), answer("Back again.")]);
    const page = await openPage(await new AgentUI(agent, { port: 0 }).launch({ quiet: true }));
    await sendMessage(page, "Hello?");
    await page.locator(".run-status.failed").waitFor();
    // The error is shown once: in the step that failed, or else in the line that ends the run.
    const transcript = (await page.locator("#transcript").textContent()) ?? "";
    expect(transcript.split("connection refused by the provider")).toHaveLength(2);
    expect(await page.locator(".run-status.failed").textContent()).toMatch(
      /connection refused by the provider|the error is shown above/,
    );
    expect(await page.getByRole("status").textContent()).toBe("The run did not finish: see why above.");
    await sendMessage(page, "Hello again?");
    await page.locator(".run-status.done").waitFor();
    expect(await page.locator(".final-answer .answer-text").textContent()).toBe("Back again.");
  });
});
