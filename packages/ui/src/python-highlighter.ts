/**
 * Python highlighting for the page. The tokens come from core's `tokenizePython`, the one
 * tokenizer the console uses too; the page turns them into coloured spans with `textContent`
 * (step code), and `pythonToHtml` gives the same spans as escaped HTML for code blocks in
 * Markdown.
 */
import { type PythonToken, type PythonTokenKind, tokenizePython } from "@smol/core";

export type CodeTokenKind = PythonTokenKind;

/** `[kind, text]`: compact on the wire, and joining the texts gives back the code exactly. */
export type CodeToken = PythonToken;

/**
 * Split Python code into highlight tokens; neighbouring plain-text tokens are merged.
 *
 * @example
 * highlightPython("print(1)"); // [["builtin", "print"], ["text", "("], ["number", "1"], ["text", ")"]]
 */
export function highlightPython(code: string): CodeToken[] {
  return tokenizePython(code);
}

const htmlEscapes: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => htmlEscapes[character]!);
}

/** The code as HTML: each token escaped, in a `tok-<kind>` span (the page's colours). */
export function pythonToHtml(code: string): string {
  return tokenizePython(code)
    .map(([kind, text]) =>
      kind === "text" ? escapeHtml(text) : `<span class="tok-${kind}">${escapeHtml(text)}</span>`,
    )
    .join("");
}
