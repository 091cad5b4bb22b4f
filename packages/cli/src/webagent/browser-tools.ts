import { type Tool, tool } from "@smol/core";
import type { Page } from "playwright-core";

/** Words of buttons that dismiss cookie banners and modal pop-ups. */
const DISMISS_LABELS = /^(close|dismiss|no thanks|reject all|accept all|accept|got it|ok|×|✕|x)$/i;

async function pageSummary(page: Page): Promise<string> {
  const title = await page.title().catch(() => "");
  return `Now on ${page.url()}${title ? ` ("${title}")` : ""}.`;
}

/**
 * The tools of `webagent`, all on one page: go to a URL, click a text, type, scroll, go back,
 * close pop-ups, and find text on the page (like Ctrl-F). Each returns what happened and where
 * the page is now; a screenshot follows each step (see `screenshotStepCallback`).
 *
 * @example
 * const agent = new CodeAgent({ tools: browserTools(session.page), model });
 */
export function browserTools(page: Page): Tool[] {
  const goTo = tool(
    {
      name: "go_to",
      description: "Opens a URL in the browser.",
      inputs: { url: { type: "string", description: "The URL to open, with its scheme (https://…)." } },
      outputType: "string",
    },
    async ({ url }) => {
      await page.goto(url, { waitUntil: "domcontentloaded" });
      return pageSummary(page);
    },
  );

  const click = tool(
    {
      name: "click",
      description:
        "Clicks the link, button or element whose visible text (or label) matches `text`; links and buttons are tried first.",
      inputs: {
        text: { type: "string", description: "The visible text of what to click, e.g. 'Next page'." },
      },
      outputType: "string",
    },
    async ({ text }) => {
      const candidates = [
        page.getByRole("link", { name: text }),
        page.getByRole("button", { name: text }),
        page.getByText(text, { exact: true }),
        page.getByText(text),
      ];
      for (const candidate of candidates) {
        const target = candidate.first();
        if ((await target.count()) > 0 && (await target.isVisible())) {
          await target.click();
          await page.waitForLoadState("domcontentloaded");
          return `Clicked "${text}". ${await pageSummary(page)}`;
        }
      }
      throw new Error(
        `Nothing visible on the page matches "${text}". Use search_item_ctrl_f to look for it, or scroll.`,
      );
    },
  );

  const typeText = tool(
    {
      name: "type_text",
      description:
        "Types text into the field labelled (or with the placeholder) `into`, or into the focused field; `press_enter` submits it.",
      inputs: {
        text: { type: "string", description: "What to type." },
        into: { type: "string", description: "The label or placeholder of the field.", nullable: true },
        press_enter: { type: "boolean", description: "Press Enter afterwards (to submit).", nullable: true },
      },
      outputType: "string",
    },
    async ({ text, into, press_enter }) => {
      if (into) {
        const field = page.getByLabel(into).or(page.getByPlaceholder(into)).first();
        if ((await field.count()) === 0) throw new Error(`No field labelled "${into}" on the page.`);
        await field.fill(text);
        if (press_enter) await field.press("Enter");
      } else {
        await page.keyboard.type(text);
        if (press_enter) await page.keyboard.press("Enter");
      }
      if (press_enter) await page.waitForLoadState("domcontentloaded");
      return `Typed "${text}"${into ? ` into "${into}"` : ""}${press_enter ? " and pressed Enter" : ""}. ${await pageSummary(page)}`;
    },
  );

  const scroll = tool(
    {
      name: "scroll",
      description: "Scrolls the page down or up by a number of pixels (default 600, about one screen).",
      inputs: {
        direction: { type: "string", description: "down or up.", enum: ["down", "up"] },
        pixels: { type: "integer", description: "How far to scroll.", nullable: true },
      },
      outputType: "string",
    },
    async ({ direction, pixels }) => {
      const distance = (pixels ?? 600) * (direction === "up" ? -1 : 1);
      await page.evaluate((delta) => window.scrollBy(0, delta), distance);
      const position = await page.evaluate(() => Math.round(window.scrollY));
      return `Scrolled ${direction} ${Math.abs(distance)} pixels; the page is now scrolled to ${position} px.`;
    },
  );

  const goBack = tool(
    {
      name: "go_back",
      description: "Goes back to the previous page.",
      inputs: {},
      outputType: "string",
    },
    async () => {
      const response = await page.goBack({ waitUntil: "domcontentloaded" });
      return response === null ? `There is no previous page. ${await pageSummary(page)}` : pageSummary(page);
    },
  );

  const closePopups = tool(
    {
      name: "close_popups",
      description:
        "Closes pop-ups, modals and cookie banners: presses Escape and clicks their close or accept buttons. Not for login walls.",
      inputs: {},
      outputType: "string",
    },
    async () => {
      await page.keyboard.press("Escape");
      const closed = await page.evaluate((pattern) => {
        const dismiss = new RegExp(pattern, "i");
        const isVisible = (element: Element) => {
          const box = element.getBoundingClientRect();
          return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== "hidden";
        };
        const overlays = Array.from(
          document.querySelectorAll(
            'dialog[open], [role="dialog"], [role="alertdialog"], [aria-modal="true"]',
          ),
        );
        let count = 0;
        for (const overlay of overlays.filter(isVisible)) {
          const button = Array.from(overlay.querySelectorAll("button, [role=button], a")).find(
            (candidate) =>
              dismiss.test((candidate.textContent ?? "").trim()) ||
              dismiss.test(candidate.getAttribute("aria-label") ?? ""),
          );
          if (button instanceof HTMLElement) button.click();
          else if (overlay instanceof HTMLDialogElement) overlay.close();
          else overlay.remove();
          count += 1;
        }
        return count;
      }, DISMISS_LABELS.source);
      return closed === 0
        ? "Pressed Escape; no pop-up was found on the page."
        : `Closed ${closed} pop-up(s).`;
    },
  );

  const searchItem = tool(
    {
      name: "search_item_ctrl_f",
      description:
        "Finds text on the page like Ctrl-F: says how many times it appears, scrolls to the nth match and shows the text around it.",
      inputs: {
        text: { type: "string", description: "The text to find (case does not matter)." },
        nth_result: {
          type: "integer",
          description: "Which match to scroll to, from 1 (default 1).",
          nullable: true,
        },
      },
      outputType: "string",
    },
    async ({ text, nth_result }) => {
      const wanted = nth_result ?? 1;
      const result = await page.evaluate(
        ({ needle, nth }) => {
          const lowered = needle.toLowerCase();
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          const matches: { element: Element; context: string }[] = [];
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const content = node.textContent ?? "";
            let index = content.toLowerCase().indexOf(lowered);
            while (index !== -1 && node.parentElement) {
              const start = Math.max(0, index - 60);
              matches.push({
                element: node.parentElement,
                context: content
                  .slice(start, index + needle.length + 60)
                  .replace(/\s+/g, " ")
                  .trim(),
              });
              index = content.toLowerCase().indexOf(lowered, index + lowered.length);
            }
          }
          const match = matches[nth - 1];
          match?.element.scrollIntoView({ block: "center" });
          return { count: matches.length, context: match?.context };
        },
        { needle: text, nth: wanted },
      );
      if (result.count === 0) return `No match for "${text}" on the page.`;
      if (result.context === undefined) {
        return `Found ${result.count} matches for "${text}", fewer than ${wanted}: ask for a match from 1 to ${result.count}.`;
      }
      return `Found ${result.count} match${result.count === 1 ? "" : "es"} for "${text}". Focused on match ${wanted} of ${result.count}: "…${result.context}…"`;
    },
  );

  return [goTo, click, typeText, scroll, goBack, closePopups, searchItem];
}
