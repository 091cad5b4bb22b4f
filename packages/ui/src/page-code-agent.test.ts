/**
 * A real CodeAgent (the host's python3 runs the model's code) in the page: plan, highlighted
 * code, execution logs, a Python error, an image as the final answer. Also keeps the
 * screenshots of docs/ui up to date: `SMOL_UI_SCREENSHOTS=1 pnpm vitest run packages/ui/src/page-code-agent.test.ts`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CodeAgent, type PythonExecutor, tool } from "@smol/core";
import { HostPythonExecutor } from "@smol/executor-local";
import { ScriptedModel } from "@smol/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quiet } from "./__tests__/agents.js";
import { hasChromium, launchChromium, runOutline, sendMessage } from "./__tests__/browser.js";
import { barChartPng } from "./__tests__/png.js";
import { AgentUI, type LaunchedAgentUI } from "./index.js";

const drawBarChart = tool(
  {
    name: "draw_bar_chart",
    description: "Draws a bar chart of numbers and returns it as an image.",
    inputs: { values: { type: "array", description: "The numbers to draw." } },
    outputType: "image",
  },
  async ({ values }) => ({
    type: "image" as const,
    image: barChartPng(values as number[]),
    mediaType: "image/png",
  }),
);

const plan =
  "1. Compute the first Fibonacci numbers with a loop.\n2. Check the ratio of the last two.\n3. Draw them and answer with the chart.";
const script = [
  `${plan}\n<end_plan>`,
  "Thought: I will compute the first twelve Fibonacci numbers and print them.\n<code>\n# The first twelve terms\nterms = [0, 1]\nfor _ in range(10):\n    terms.append(terms[-1] + terms[-2])\nprint(terms)\n</code>",
  'Thought: Now the ratio of the last two terms, which should be close to the golden ratio.\n<code>\nratio = terms[12] / terms[11]\nprint(f"ratio = {ratio:.4f}")\n</code>',
  'Thought: Index 12 does not exist: the list has 12 items. I will use the last two.\n<code>\nratio = terms[-1] / terms[-2]\nprint(f"ratio = {ratio:.4f}")\n</code>',
  "Thought: The ratio is about 1.618. I will draw the terms and answer with the chart.\n<code>\nchart = draw_bar_chart(values=terms)\nfinal_answer(chart)\n</code>",
];

/** The whole page in one image, with the sticky header and composer where they sit at rest. */
async function screenshotWholePage(page: Page, path: string): Promise<void> {
  const viewport = page.viewportSize()!;
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: viewport.width, height });
  await page.screenshot({ path });
  await page.setViewportSize(viewport);
}

describe.skipIf(!hasChromium)(
  "AgentUI with a CodeAgent (headless Chromium, real Python)",
  { timeout: 60_000 },
  () => {
    let browser: Browser;
    let page: Page;
    let ui: LaunchedAgentUI;
    let executor: PythonExecutor;
    let screenshotFolder: string;
    const keepScreenshots = process.env.SMOL_UI_SCREENSHOTS === "1";

    beforeAll(async () => {
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      executor = new HostPythonExecutor({ suppressSandboxWarning: true });
      const agent = new CodeAgent({
        tools: [drawBarChart],
        model: new ScriptedModel(script, { modelId: "Qwen/Qwen2.5-Coder-32B-Instruct" }),
        executor,
        name: "fibonacci_agent",
        planningInterval: 10,
        streamOutputs: true,
        ...quiet,
      });
      ui = await new AgentUI(agent, {
        port: 0,
        fileUploadFolder: await mkdtemp(join(tmpdir(), "smol-ui-shots-")),
      }).launch({
        quiet: true,
      });
      screenshotFolder = keepScreenshots
        ? resolve(__dirname, "../../../docs/ui")
        : await mkdtemp(join(tmpdir(), "smol-ui-png-"));
    });
    afterAll(async () => {
      await browser?.close();
      await ui?.close();
      await executor?.cleanup();
      if (!keepScreenshots && screenshotFolder) await rm(screenshotFolder, { recursive: true, force: true });
    });

    it("draws the plan, highlighted code, logs, a Python error and an image answer", async () => {
      await page.goto(ui.url);
      await page.screenshot({ path: join(screenshotFolder, "agent-ui-empty.png") });
      await sendMessage(page, "Draw the first Fibonacci numbers, and tell me how fast they grow.");
      await page.locator(".run-status.done").waitFor();

      expect(await runOutline(page)).toEqual([
        "Plan",
        "Step 1",
        "Step 2",
        "Step 3",
        "Step 4",
        "Final answer",
        "run-status done",
      ]);
      expect(await page.locator(".plan-text").textContent()).toContain("Compute the first Fibonacci numbers");
      const firstStep = page.locator("article.step").first();
      expect(await firstStep.locator(".thought").textContent()).toBe(
        "Thought: I will compute the first twelve Fibonacci numbers and print them.",
      );
      expect(await firstStep.locator("pre.code").textContent()).toBe(
        "# The first twelve terms\nterms = [0, 1]\nfor _ in range(10):\n    terms.append(terms[-1] + terms[-2])\nprint(terms)",
      );
      expect(await firstStep.locator("pre.code .tok-keyword").allTextContents()).toEqual(["for", "in"]);
      expect(await firstStep.locator("pre.code .tok-comment").textContent()).toBe("# The first twelve terms");
      expect(await firstStep.locator(".logs pre").textContent()).toContain(
        "[0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89]",
      );
      const failedStep = page.locator("article.step").nth(1);
      expect(await failedStep.locator(".error").textContent()).toContain("IndexError");
      expect(await page.locator("article.step").nth(2).locator(".logs pre").textContent()).toContain(
        "ratio = 1.6182",
      );
      const image = page.locator(".final-answer img");
      expect(
        await image.evaluate((node: HTMLImageElement) => [node.naturalWidth, node.naturalHeight]),
      ).toEqual([360, 160]);

      await screenshotWholePage(page, join(screenshotFolder, "agent-ui-desktop.png"));
    });

    it("stays readable at a phone's width: nothing sticks out sideways", async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const sendBox = await page.getByRole("button", { name: "Send" }).boundingBox();
      expect(sendBox && sendBox.x + sendBox.width).toBeLessThanOrEqual(390);
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await page.screenshot({ path: join(screenshotFolder, "agent-ui-phone-viewport.png") });
      await screenshotWholePage(page, join(screenshotFolder, "agent-ui-phone.png"));
    });
  },
);
