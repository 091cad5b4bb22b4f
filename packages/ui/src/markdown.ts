/**
 * Model text (thoughts, final answers, Markdown tool outputs) as safe HTML. `marked` renders the
 * Markdown; raw HTML in it is shown as text, not parsed; then `sanitize-html` keeps only the
 * tags and attributes Markdown makes, and only http(s)/mailto links, so whatever a model or a
 * web page put in its output stays inert. The page's content security policy (no inline
 * script, no event handler) is a second wall behind this one.
 */
import { Marked } from "marked";
import sanitizeHtml from "sanitize-html";
import { escapeHtml, pythonToHtml } from "./python-highlighter.js";

const pythonLanguages = new Set(["py", "python", "python3", "ipython"]);

const markdown = new Marked({
  gfm: true,
  async: false,
  renderer: {
    // A model quoting HTML means it as text: show it as written.
    html: ({ text }) => escapeHtml(text),
    code: ({ text, lang }) => {
      const language = (lang ?? "").trim().split(/\s+/)[0]!.toLowerCase();
      const body = pythonLanguages.has(language) ? pythonToHtml(text) : escapeHtml(text);
      const className = /^[\w-]{1,32}$/.test(language) ? ` class="language-${language}"` : "";
      return `<pre class="code"><code${className}>${body}</code></pre>\n`;
    },
  },
});

const sanitizeOptions: sanitizeHtml.IOptions = {
  // biome-ignore format: a tag list reads better packed
  allowedTags: [
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre",
    "code", "span", "em", "strong", "del", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
  ],
  allowedAttributes: {
    // rel and target are the ones `transformTags` sets (it runs before this filter).
    a: ["href", "title", "rel", "target"],
    img: ["src", "alt", "title"],
    ol: ["start"],
    th: ["align"],
    td: ["align"],
  },
  allowedClasses: { span: ["tok-*"], code: ["language-*"], pre: ["code"] },
  allowedSchemes: ["http", "https", "mailto"],
  // The page may only show inline images (its CSP blocks the rest anyway).
  allowedSchemesByTag: { img: ["data"] },
  allowProtocolRelative: false,
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, rel: "noopener noreferrer nofollow", target: "_blank" },
    }),
  },
};

/** Markdown to sanitized HTML, ready for the page's `innerHTML`. */
export function markdownToHtml(text: string): string {
  const html = markdown.parse(text, { async: false });
  return sanitizeHtml(html, sanitizeOptions).trim();
}

/**
 * Whether a tool's output reads as Markdown (a table, a list, a heading, a code fence), so that
 * plain outputs (logs, JSON) keep their exact layout in a `<pre>`.
 */
export function looksLikeMarkdown(text: string): boolean {
  return /^(?:#{1,6} \S|\s{0,3}(?:[-*+]|\d{1,3}[.)]) \S|\|.*\|\s*$|\s{0,3}```)/m.test(text);
}
