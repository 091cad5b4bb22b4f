import type { SearchResult } from "./search-engine.js";

/** Longest snippet shown; engines that return page text would otherwise flood the context. */
const MAX_SNIPPET_LENGTH = 500;

/**
 * The results as a numbered Markdown list the model reads: a link per result, then its date and
 * snippet indented under it.
 *
 * @example
 * formatResults([{ title: "Smol", link: "https://smol.dev", snippet: "Agents." }]);
 * // "## Search Results\n\n1. [Smol](https://smol.dev)\n   Agents."
 */
export function formatResults(results: readonly SearchResult[]): string {
  const items = results.map((result, index) => {
    const lines = [`${index + 1}. [${escapeLinkText(result.title)}](${escapeLinkTarget(result.link)})`];
    if (result.date) lines.push(`   Date published: ${result.date}`);
    if (result.snippet) lines.push(`   ${shorten(result.snippet)}`);
    return lines.join("\n");
  });
  return `## Search Results\n\n${items.join("\n\n")}`;
}

function shorten(snippet: string): string {
  return snippet.length > MAX_SNIPPET_LENGTH
    ? `${snippet.slice(0, MAX_SNIPPET_LENGTH - 1).trimEnd()}…`
    : snippet;
}

function escapeLinkText(text: string): string {
  return text.replace(/[[\]]/g, (bracket) => `\\${bracket}`);
}

function escapeLinkTarget(link: string): string {
  // encodeURIComponent leaves parentheses alone, and they would end the Markdown link.
  return link.replace(
    /[()\s]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
}
