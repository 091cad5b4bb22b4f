import { Tool, type ToolCallOptions, type ToolInputs, type ToolOutputType } from "@smol/core";
import { ToolConfigurationError } from "../errors.js";
import {
  DEFAULT_USER_AGENT,
  describeRequestError,
  discardBody,
  type FetchFunction,
  fetchRetryingReset,
  isCallerAbort,
  mediaTypeOf,
  readBodyText,
  withTimeout,
} from "../http/fetch.js";
import { htmlToMarkdown, tidyMarkdown } from "./html-to-markdown.js";

/** Options of `VisitWebpageTool`. */
export interface VisitWebpageToolOptions {
  /** Longest text returned, in characters; default 40,000. Longer pages are cut with a marker. */
  maxOutputLength?: number;
  /** Longest wait for a page, in seconds; default 20. */
  timeoutSeconds?: number;
  /** Most bytes downloaded from one page; default 10 MB. */
  maxDownloadBytes?: number;
  /** Keep only the main content (Readability) rather than the whole page; default true. */
  mainContentOnly?: boolean;
  /** The `fetch` to use; default the global one. */
  fetch?: FetchFunction;
  userAgent?: string;
}

const HTML_TYPES = new Set(["text/html", "application/xhtml+xml"]);
const TEXT_TYPES = new Set([
  "application/json",
  "application/ld+json",
  "application/xml",
  "application/javascript",
]);
const KNOWN_KINDS: Record<string, string> = {
  "application/pdf": "a PDF document",
  "application/zip": "a ZIP archive",
  "application/octet-stream": "a binary file",
  "application/msword": "a Word document",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "a Word document",
  "application/vnd.ms-excel": "a spreadsheet",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "a spreadsheet",
};

/**
 * `visit_webpage(url)`: fetches a page and returns its main content as Markdown. It never throws
 * at the agent: HTTP errors, timeouts, unreachable hosts and files that are not web pages (a PDF,
 * an image) come back as a sentence saying what happened. Plain text and JSON are returned as
 * they are. Long pages are cut at `maxOutputLength` with a marker saying so.
 *
 * @example
 * const visit = new VisitWebpageTool({ maxOutputLength: 10_000 });
 * await visit.call({ url: "https://huggingface.co/blog/smolagents" }); // "# Introducing smolagents…"
 */
export class VisitWebpageTool extends Tool {
  name = "visit_webpage";
  description =
    "Visits a webpage at the given URL and reads its content as Markdown. Use it to read the pages that a web search found.";
  inputs = { url: { type: "string", description: "The URL of the webpage to visit." } } satisfies ToolInputs;
  outputType: ToolOutputType = "string";

  readonly maxOutputLength: number;
  readonly timeoutSeconds: number;
  readonly #options: VisitWebpageToolOptions;
  readonly #fetch: FetchFunction;

  constructor(options: VisitWebpageToolOptions = {}) {
    super();
    this.maxOutputLength = options.maxOutputLength ?? 40_000;
    this.timeoutSeconds = options.timeoutSeconds ?? 20;
    if (!Number.isInteger(this.maxOutputLength) || this.maxOutputLength < 100) {
      throw new ToolConfigurationError(
        `maxOutputLength must be a whole number of at least 100; got ${this.maxOutputLength}.`,
      );
    }
    if (!(this.timeoutSeconds > 0)) {
      throw new ToolConfigurationError(`timeoutSeconds must be positive; got ${this.timeoutSeconds}.`);
    }
    this.#options = options;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  async forward({ url }: { url: string }, options: ToolCallOptions = {}): Promise<string> {
    const target = webAddress(url);
    if (!target) {
      return `"${url}" is not a web address this tool can visit: give a full http:// or https:// URL.`;
    }
    try {
      return await withTimeout(this.timeoutSeconds, options.signal, (signal) => this.#visit(target, signal));
    } catch (error) {
      if (isCallerAbort(error, options.signal)) throw error;
      return `Could not visit ${target}: ${describeRequestError(error)}. Check the address, or try again later.`;
    }
  }

  async #visit(url: string, signal: AbortSignal): Promise<string> {
    const response = await fetchRetryingReset(this.#fetch, url, {
      headers: {
        "user-agent": this.#options.userAgent ?? DEFAULT_USER_AGENT,
        accept: "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.8",
      },
      redirect: "follow",
      signal,
    });
    if (!response.ok) {
      await discardBody(response);
      return httpErrorMessage(url, response.status, response.statusText);
    }
    const mediaType = mediaTypeOf(response.headers.get("content-type"));
    const isHtml = HTML_TYPES.has(mediaType);
    const isText =
      mediaType.startsWith("text/") ||
      TEXT_TYPES.has(mediaType) ||
      mediaType.endsWith("+json") ||
      mediaType.endsWith("+xml");
    if (mediaType !== "" && !isHtml && !isText) {
      await discardBody(response);
      const kind = KNOWN_KINDS[mediaType] ?? describeMediaKind(mediaType);
      return `The address ${url} is not a web page but ${kind} (content type ${mediaType}): this tool only reads HTML and text.`;
    }
    const { text, truncated } = await readBodyText(
      response,
      this.#options.maxDownloadBytes ?? 10 * 1024 * 1024,
    );
    const finalUrl = response.url || url;
    // A server that names no content type: sniff, as browsers do.
    const looksLikeHtml = isHtml || (mediaType === "" && /^\s*<(!doctype html|html|head|body)/i.test(text));
    let content: string;
    let totalLength: number | undefined;
    if (looksLikeHtml) {
      const page = htmlToMarkdown(text, finalUrl, {
        mainContentOnly: this.#options.mainContentOnly,
        // Markdown is longer than its text: twice the cap leaves room, and spares converting the rest.
        maxTextLength: this.maxOutputLength * 2,
      });
      const startsWithTitle = page.title !== "" && page.markdown.startsWith(`# ${page.title}`);
      content = page.title && !startsWithTitle ? `# ${page.title}\n\n${page.markdown}` : page.markdown;
      if (page.cut) totalLength = page.textLength;
    } else {
      content = tidyMarkdown(text);
    }
    if (content === "") return `The page at ${url} has no readable text.`;
    if (truncated)
      content += `\n\n[The download stopped after ${this.#options.maxDownloadBytes ?? 10 * 1024 * 1024} bytes.]`;
    return truncateText(content, this.maxOutputLength, totalLength);
  }
}

/**
 * The text cut to `maxLength` characters (head kept), with a marker saying how much was left out.
 * `totalLength` is the length of the whole, when `text` is already a part of it.
 */
export function truncateText(text: string, maxLength: number, totalLength?: number): string {
  if (text.length <= maxLength && totalLength === undefined) return text;
  const total =
    totalLength === undefined
      ? `${text.length} characters`
      : `about ${Math.max(totalLength, text.length)} characters of text`;
  return `${text.slice(0, maxLength)}\n\n..._This content was truncated: it has ${total} and only the first ${Math.min(maxLength, text.length)} are shown._`;
}

/** An http(s) URL from what the model wrote; `example.com/page` gets `https://`. */
function webAddress(raw: string): string | undefined {
  const trimmed = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : `https://${trimmed}`;
  try {
    const url = new URL(withScheme);
    return url.protocol === "http:" || url.protocol === "https:" ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

function httpErrorMessage(url: string, status: number, statusText: string): string {
  const reason = statusText ? ` ${statusText}` : "";
  let advice = "Try again later, or find the information elsewhere.";
  if (status === 404 || status === 410)
    advice = "The page does not exist: check the address, or search for the page.";
  else if (status === 401 || status === 403)
    advice = "The site refuses access to this page: find the information elsewhere.";
  else if (status === 429)
    advice = "The site is limiting the rate of requests: wait before visiting it again.";
  else if (status >= 500)
    advice = "The site has a problem on its side: try again later, or find the information elsewhere.";
  return `Could not visit ${url}: the server answered HTTP ${status}${reason}. ${advice}`;
}

function describeMediaKind(mediaType: string): string {
  const [family] = mediaType.split("/");
  if (family === "image") return "an image";
  if (family === "audio") return "an audio file";
  if (family === "video") return "a video";
  if (family === "font") return "a font";
  return "a file of another kind";
}
