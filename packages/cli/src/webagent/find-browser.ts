import { existsSync } from "node:fs";
import { BrowserUnavailableError } from "../errors.js";

/** Where Chromium or Chrome usually is, in the order they are tried. */
export const BROWSER_CANDIDATES = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/snap/bin/chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
];

/**
 * The browser `webagent` drives: `--browser-path` (or SMOL_CHROMIUM_PATH) when given, else the
 * first of the usual places. Without one, a `BrowserUnavailableError` says how to install it.
 *
 * @example
 * findBrowser(undefined); // "/usr/bin/chromium"
 */
export function findBrowser(
  explicitPath: string | undefined,
  candidates: readonly string[] = BROWSER_CANDIDATES,
): string {
  if (explicitPath !== undefined) {
    if (existsSync(explicitPath)) return explicitPath;
    throw new BrowserUnavailableError(
      `No browser at ${explicitPath} (from --browser-path or SMOL_CHROMIUM_PATH). ${INSTALL_HELP}`,
    );
  }
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found) return found;
  throw new BrowserUnavailableError(
    `webagent needs Chromium or Google Chrome, and found none. ${INSTALL_HELP}`,
  );
}

const INSTALL_HELP =
  "Install Chromium (Debian/Ubuntu: sudo apt-get install -y chromium; macOS: brew install --cask chromium) " +
  "or point webagent at a Chrome or Chromium executable with --browser-path <path> or SMOL_CHROMIUM_PATH.";
