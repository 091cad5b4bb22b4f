import type { Browser, Page } from "playwright-core";
import { BrowserUnavailableError } from "../errors.js";

/** The flags Chromium starts with: headless, and quiet (no background traffic, no first-run UI). */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A headless browser with one page, for the browser tools; `close()` ends the browser process. */
export interface BrowserSession extends AsyncDisposable {
  readonly page: Page;
  close(): Promise<void>;
}

/**
 * Starts Chromium through `playwright-core` (which downloads nothing: it drives the executable
 * given) and opens one page sized like a laptop screen.
 *
 * @example
 * await using session = await openBrowserSession("/usr/bin/chromium");
 * await session.page.goto("http://127.0.0.1:8080");
 */
export async function openBrowserSession(executablePath: string): Promise<BrowserSession> {
  const { chromium } = await import("playwright-core");
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new BrowserUnavailableError(`Could not start the browser at ${executablePath}: ${reason}`, {
      cause: error,
    });
  }
  try {
    const context = await browser.newContext({ viewport: { width: 1000, height: 1100 } });
    const page = await context.newPage();
    // A page that never finishes loading must not hang a step.
    page.setDefaultTimeout(15_000);
    const close = async () => {
      await browser.close().catch(() => {});
    };
    return { page, close, [Symbol.asyncDispose]: close };
  } catch (error) {
    await browser.close().catch(() => {});
    throw error;
  }
}
