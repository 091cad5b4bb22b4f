import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import TurndownService from "turndown";

/** A page turned into Markdown. */
export interface PageMarkdown {
  title: string;
  markdown: string;
  /** Characters of text in the content, including any part left out by `maxTextLength`. */
  textLength: number;
  /** Part of the content was left out (see `maxTextLength`). */
  cut: boolean;
}

export interface HtmlToMarkdownOptions {
  /** Keep only the main content (Readability) rather than the whole page; default true. */
  mainContentOnly?: boolean;
  /**
   * Convert only about this many characters of text, leaving the rest of the content out:
   * Turndown's time grows with the page, and a capped output needs only the start of it.
   */
  maxTextLength?: number;
}

/** Elements that never hold content a reader wants. */
const NOISE =
  "title, script, style, noscript, template, svg, canvas, iframe, object, embed, form, button, select, dialog";
/** Page furniture: dropped unless it sits inside the article itself (an article's own header). */
const FURNITURE = "nav, footer, header, aside, [role=navigation], [role=banner], [role=contentinfo]";

/**
 * The readable Markdown of an HTML page: noise and navigation dropped, the main content picked by
 * Mozilla's Readability (the Firefox Reader View algorithm) when it finds one, relative links made
 * absolute, then converted with Turndown and blank lines collapsed.
 *
 * @example
 * htmlToMarkdown("<title>Hi</title><main><h1>Hello</h1><p>World</p></main>", "https://example.com/");
 * // { title: "Hi", markdown: "# Hello\n\nWorld", textLength: 10, cut: false }
 */
export function htmlToMarkdown(
  html: string,
  pageUrl: string,
  options: HtmlToMarkdownOptions = {},
): PageMarkdown {
  const { document } = parseHTML(wholePage(html));
  const title = (document.querySelector("title")?.textContent ?? "").replace(/\s+/g, " ").trim();
  for (const element of Array.from(document.querySelectorAll(NOISE))) element.remove();
  for (const element of Array.from(document.querySelectorAll(FURNITURE))) {
    if (!element.parentElement?.closest("article, main, [role=main]")) element.remove();
  }
  absolutizeLinks(document, pageUrl);
  const bodyHtml = document.body?.innerHTML ?? "";

  let contentHtml = bodyHtml;
  if (options.mainContentOnly !== false) {
    const article = mainContent(bodyHtml, title);
    if (article) contentHtml = article;
  }
  const content = parseHTML(wholePage(contentHtml)).document.body;
  const textLength = content.textContent?.length ?? 0;
  const cut = options.maxTextLength !== undefined && keepFirstText(content, options.maxTextLength);
  // Turndown takes the DOM node as it is, which spares it parsing the HTML again.
  const markdown = tidyMarkdown(converter().turndown(content as unknown as HTMLElement));
  return { title, markdown, textLength, cut };
}

/** linkedom builds a document only from a whole page: wrap a fragment in one. */
function wholePage(html: string): string {
  return /<html[\s>]/i.test(html) ? html : `<!DOCTYPE html><html><head></head><body>${html}</body></html>`;
}

type DomNode = {
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
  nodeType: number;
  remove(): void;
};

/**
 * Keeps the nodes of `root` until about `budget` characters of text, removing all that follows;
 * the node where the budget runs out is kept whole unless it has children to go into. Returns
 * whether anything was removed.
 */
function keepFirstText(root: DomNode, budget: number): boolean {
  let remaining = budget;
  let removed = false;
  const visit = (node: DomNode): void => {
    for (const child of Array.from(node.childNodes)) {
      if (remaining <= 0) {
        child.remove();
        removed = true;
        continue;
      }
      const length = child.textContent?.length ?? 0;
      if (length <= remaining || child.nodeType !== 1 || child.childNodes.length === 0) {
        remaining -= length;
        continue;
      }
      visit(child);
    }
  };
  visit(root);
  return removed;
}

/**
 * The article Readability extracts, when it is a fair share of the page: on short or unusual
 * pages it can settle on a fragment, and the whole (cleaned) page is better than a fragment.
 */
function mainContent(bodyHtml: string, title: string): string | undefined {
  const { document } = parseHTML(
    `<!DOCTYPE html><html><head><title>${escapeText(title)}</title></head><body>${bodyHtml}</body></html>`,
  );
  const bodyTextLength = textLength(document.body?.textContent ?? "");
  let article: ReturnType<Readability["parse"]>;
  try {
    article = new Readability(document as unknown as Document, { charThreshold: 200 }).parse();
  } catch {
    return undefined; // Readability chokes on some DOMs; the full page will do.
  }
  if (!article?.content) return undefined;
  const articleTextLength = textLength(article.textContent ?? "");
  return articleTextLength >= 500 || articleTextLength >= bodyTextLength * 0.5 ? article.content : undefined;
}

function absolutizeLinks(document: ReturnType<typeof parseHTML>["document"], pageUrl: string): void {
  const resolve = (value: string | null): string | undefined => {
    if (!value || value.startsWith("#") || /^(javascript|data|mailto|tel):/i.test(value)) return undefined;
    try {
      return new URL(value, pageUrl).toString();
    } catch {
      return undefined;
    }
  };
  for (const anchor of Array.from(document.querySelectorAll("a[href]"))) {
    const absolute = resolve(anchor.getAttribute("href"));
    if (absolute) anchor.setAttribute("href", absolute);
  }
  for (const image of Array.from(document.querySelectorAll("img[src]"))) {
    const absolute = resolve(image.getAttribute("src"));
    if (absolute) image.setAttribute("src", absolute);
  }
}

let sharedConverter: TurndownService | undefined;

function converter(): TurndownService {
  if (sharedConverter) return sharedConverter;
  const service = new TurndownService({
    headingStyle: "atx",
    codeBlockStyle: "fenced",
    bulletListMarker: "-",
    emDelimiter: "_",
  });
  service.remove(["script", "style", "noscript", "template"] as TurndownService.Filter);
  // Images carry little for a text model: keep their description, drop data URLs.
  service.addRule("image", {
    filter: "img",
    replacement: (_content, node) => {
      const element = node as HTMLElement;
      const alt = (element.getAttribute("alt") ?? "").trim();
      const src = element.getAttribute("src") ?? "";
      if (!alt) return "";
      return src && !src.startsWith("data:") ? `![${alt}](${src})` : `[image: ${alt}]`;
    },
  });
  // One space after the list marker (Turndown's default is three).
  service.addRule("listItem", {
    filter: "li",
    replacement: (content, node) => {
      const element = node as HTMLElement;
      const parent = element.parentElement;
      let marker = "-";
      if (parent?.nodeName === "OL") {
        const start = Number(parent.getAttribute("start") ?? 1);
        marker = `${start + Array.prototype.indexOf.call(parent.children, element)}.`;
      }
      const indent = " ".repeat(marker.length + 1);
      const body = content.replace(/^\n+/, "").replace(/\n+$/, "\n").replace(/\n/gm, `\n${indent}`);
      const last = element.nextElementSibling === null;
      return `${marker} ${body.trimEnd()}${last ? "" : "\n"}`;
    },
  });
  // Turndown has no tables without a plugin: write simple pipe tables ourselves.
  service.addRule("tableCell", {
    filter: ["th", "td"],
    replacement: (content) => ` ${content.replace(/\s+/g, " ").replaceAll("|", "\\|").trim()} |`,
  });
  service.addRule("tableRow", {
    filter: "tr",
    replacement: (content, node) => {
      const row = `|${content}\n`;
      const element = node as HTMLElement;
      const firstRow = element.closest("table")?.querySelector("tr") === element;
      if (!firstRow || element.querySelector("th") === null) return row;
      const cells = element.querySelectorAll("th, td").length;
      return `${row}|${" --- |".repeat(cells)}\n`;
    },
  });
  service.addRule("table", {
    filter: "table",
    replacement: (content) => `\n\n${content.trim()}\n\n`,
  });
  for (const section of ["thead", "tbody", "tfoot"] as const) {
    service.addRule(section, { filter: section, replacement: (content) => content });
  }
  sharedConverter = service;
  return service;
}

/** Trailing spaces out, runs of blank lines down to one, no blank start or end. */
export function tidyMarkdown(markdown: string): string {
  return markdown
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function textLength(text: string): number {
  return text.replace(/\s+/g, " ").trim().length;
}

function escapeText(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;");
}
