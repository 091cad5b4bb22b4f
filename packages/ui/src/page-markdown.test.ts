/**
 * Markdown in the page (headless Chromium): thoughts, tool outputs and final answers render as
 * Markdown (a table, a list, highlighted code), and no HTML or script a model (or a web page it
 * read) writes ever runs: classic XSS payloads must leave `window.__pwned` unset, open no
 * dialog, trip no content security policy report, and leave no active markup in the page.
 */
import { tool } from "@smol/core";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { toolCallingAgent } from "./__tests__/agents.js";
import { hasChromium, launchChromium, sendMessage } from "./__tests__/browser.js";
import { AgentUI, type LaunchedAgentUI } from "./index.js";

const payloads = [
  "<script>window.__pwned = 1</script>",
  '<img src=x onerror="window.__pwned = 2">',
  '<svg onload="window.__pwned = 3"><circle r="1"/></svg>',
  "[javascript link](javascript:window.__pwned=4)",
  "[mixed case](JaVaScRiPt:window.__pwned=5)",
  "[entity](&#106;avascript:window.__pwned=6)",
  "[angle](<javascript:window.__pwned=7>)",
  "[data link](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX19wd25lZD04PC9zY3JpcHQ+)",
  '<iframe src="javascript:top.__pwned = 9"></iframe>',
  '<a href="data:text/html,<script>opener.__pwned=10</script>">data anchor</a>',
  '<div onmouseover="window.__pwned = 11" style="position:fixed;inset:0">hover me</div>',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned = 12"></style></mglyph></table></mtext></math>',
  '<noscript><p title="</noscript><img src=x onerror=window.__pwned=13>">',
  '<details open ontoggle="window.__pwned = 14">x</details>',
  '![image](x" onerror="window.__pwned=15)',
  '<style>@import "javascript:window.__pwned=16";</style>',
  '<form action="javascript:window.__pwned=17"><button>go</button></form>',
].join("\n\n");

const markdown = [
  "| City | Weather |",
  "|------|:-------:|",
  "| Paris | Sunny |",
  "| Lyon | Rain |",
  "",
  "- first point",
  "- second point",
  "",
  "```python",
  'print("done")  # <b>not bold</b>',
  "```",
].join("\n");

const reportTool = tool(
  {
    name: "fetch_report",
    description: "Fetches a report from the web.",
    inputs: {},
    outputType: "string",
  },
  async () => `# Report\n\n${markdown}\n\n${payloads}`,
);

describe.skipIf(!hasChromium)("AgentUI Markdown, safely (headless Chromium)", { timeout: 60_000 }, () => {
  let browser: Browser;
  let page: Page;
  let ui: LaunchedAgentUI | undefined;
  const problems: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    page.on("pageerror", (error) => problems.push(error.message));
    // A payload the sanitizer let through and the CSP then blocked shows up here too.
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await ui?.close();
    ui = undefined;
  });

  it("renders Markdown in thoughts, tool outputs and answers, and no payload runs", async () => {
    const agent = toolCallingAgent(
      (_messages, _options, callIndex) =>
        callIndex === 0
          ? { content: `Let me look.\n\n${payloads}`, toolCalls: [{ name: "fetch_report", arguments: {} }] }
          : {
              content: "Done.",
              toolCalls: [{ name: "final_answer", arguments: { answer: `${markdown}\n\n${payloads}` } }],
            },
      { tools: [reportTool] },
    );
    ui = await new AgentUI(agent, { port: 0 }).launch({ quiet: true });
    await page.goto(ui.url);
    await sendMessage(page, "Summarise the report.");
    await page.locator(".run-status.done").waitFor();

    // Give every payload its chance: hover and click all there is, then wait a little.
    await page.mouse.move(200, 200);
    for (const link of await page.locator(".markdown a").all()) await link.click({ force: true });
    for (const image of await page.locator(".markdown img").all()) await image.hover({ force: true });
    await page.waitForTimeout(300);

    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
    expect(browser.contexts()[0]!.pages()).toHaveLength(1);

    // No active markup made it into the page.
    const transcript = page.locator("#transcript");
    for (const tag of ["script", "iframe", "svg", "math", "style", "form", "details", "noscript", "object"]) {
      expect(await transcript.locator(tag).count(), tag).toBe(0);
    }
    const unsafe = await transcript.evaluate((root) => {
      const found: string[] = [];
      for (const node of Array.from(root.querySelectorAll("*"))) {
        for (const attribute of Array.from(node.attributes)) {
          if (/^on/i.test(attribute.name) || attribute.name === "style")
            found.push(`${node.tagName} ${attribute.name}`);
          if (attribute.name === "href" && !/^(https?:|mailto:)/i.test(attribute.value))
            found.push(`${node.tagName} href=${attribute.value}`);
          if (attribute.name === "src" && !/^data:image\//i.test(attribute.value))
            found.push(`${node.tagName} src=${attribute.value}`);
        }
      }
      return found;
    });
    expect(unsafe).toEqual([]);
    // The payloads are shown as the text they are, not dropped without a trace.
    expect(await page.locator(".final-answer").textContent()).toContain(
      "<script>window.__pwned = 1</script>",
    );

    // …and the Markdown did render, in the answer, the tool output and the thought.
    for (const scope of [".final-answer .answer-text", ".tool-output .output-text"]) {
      // The first one: the final_answer call's output repeats the answer.
      const block = page.locator(scope).first();
      expect(await block.locator("table th").allTextContents(), scope).toEqual(["City", "Weather"]);
      expect(await block.locator("table tbody tr").count(), scope).toBe(2);
      expect(await block.locator("ul > li").allTextContents(), scope).toEqual([
        "first point",
        "second point",
      ]);
      expect(await block.locator("pre code .tok-builtin").textContent(), scope).toBe("print");
      expect(await block.locator("pre code .tok-comment").textContent(), scope).toBe("# <b>not bold</b>");
      expect(await block.locator("pre code b").count(), scope).toBe(0);
    }
    expect(await page.locator(".tool-output .output-text h1").textContent()).toBe("Report");
    const thought = page.locator("article.step").first().locator(".thought");
    expect(await thought.locator("p").first().textContent()).toBe("Let me look.");
  });

  it("keeps a plain tool output as it is, in a <pre>", async () => {
    const plain = tool(
      { name: "plain", description: "Plain text.", inputs: {}, outputType: "string" },
      async () => "line one\n  indented <b>two</b>",
    );
    const agent = toolCallingAgent(
      (_messages, _options, callIndex) =>
        callIndex === 0
          ? { toolCalls: [{ name: "plain", arguments: {} }] }
          : { toolCalls: [{ name: "final_answer", arguments: { answer: "ok" } }] },
      { tools: [plain] },
    );
    ui = await new AgentUI(agent, { port: 0 }).launch({ quiet: true });
    await page.goto(ui.url);
    await sendMessage(page, "Go.");
    await page.locator(".run-status.done").waitFor();
    expect(await page.locator(".tool-output pre").first().textContent()).toBe(
      "line one\n  indented <b>two</b>",
    );
  });
});
