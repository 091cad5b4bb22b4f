/** Headless Chromium for the page tests: Debian's system browser, driven by playwright-core. */
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";

export const chromiumPath = process.env.SMOL_CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Whether the browser tests can run; when not, they are skipped with a loud message. */
export const hasChromium = existsSync(chromiumPath);

if (!hasChromium) {
  console.warn(
    `\n!!! @smol/ui browser tests SKIPPED: no Chromium at ${chromiumPath}.\n` +
      "!!! Install it (apt-get install -y chromium, or scripts/setup.sh) or set SMOL_CHROMIUM_PATH.\n",
  );
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** Type a message in the page and send it with the keyboard, as a user would. */
export async function sendMessage(page: Page, text: string): Promise<void> {
  await page.getByLabel("Your message").fill(text);
  await page.getByLabel("Your message").press("Enter");
}

/** The text of each block of the last run, in page order: "Step 1", "Final answer", … */
export async function runOutline(page: Page): Promise<string[]> {
  return page
    .locator(".run")
    .last()
    .locator(":scope > *")
    .evaluateAll((nodes) =>
      nodes.map((node) => {
        const heading = node.querySelector("h3");
        return heading ? (heading.textContent ?? "") : node.className;
      }),
    );
}
