/**
 * Finds the TypeScript code blocks of the documentation and the directive that says how each
 * one is tested. A directive is an HTML comment right before the fence (blank lines allowed):
 *
 *     <!-- snippet: fake=openai replies='["<code>final_answer(42)</code>"]' expect="42" -->
 *
 * Keys:
 * - `fake=openai|anthropic|ollama`: the block runs against that local fake server, reached
 *   through the environment variables the SDKs read (`OPENAI_BASE_URL`, …).
 * - `replies='<JSON array>'`: what the fake server answers, in order.
 * - `expect="text"`: the block's output must contain this text.
 * - `typecheck-only reason="…"`: type-checked, never run (a paid API, a GPU, a browser, …).
 * - `pending="@smol/package"`: that package has not landed yet; neither checked nor run.
 * - `skip reason="…"`: only for blocks that are not TypeScript (it is an error on a ```ts block).
 *
 * Without a directive, a block is type-checked and run with no fake server.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

export type FakeServerKind = "openai" | "anthropic" | "ollama";

export interface SnippetDirective {
  /** `fragment`: an incomplete illustration in a page this tooling does not own (see below). */
  mode: "run" | "typecheck-only" | "pending" | "skip" | "fragment";
  fake?: FakeServerKind;
  /** Scripted replies for the fake server. */
  replies?: unknown[];
  expect?: string;
  reason?: string;
  /** The package a pending block waits for. */
  pending?: string;
}

export interface Snippet {
  /** `docs/guided-tour.md:120`: the file and the line of the opening fence. */
  id: string;
  file: string;
  line: number;
  code: string;
  directive: SnippetDirective;
}

/**
 * Blocks of pages owned by another area that are deliberate fragments (they use names they do
 * not declare), keyed by page and the block's first line. The page's owner should rather add a
 * directive or complete the block; until then it is reported as skipped, with this reason.
 */
const FRAGMENTS_OWNED_ELSEWHERE: Record<string, Record<string, string>> = {};

const FAKE_KINDS = new Set<string>(["openai", "anthropic", "ollama"]);
const TYPESCRIPT_FENCE = /^```(ts|typescript)\s*$/;

/** Every Markdown file under `directory`, sorted, skipping `api/` (generated) and `node_modules`. */
export function markdownFiles(directory: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "api") continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...markdownFiles(path));
    else if (entry.name.endsWith(".md")) found.push(path);
  }
  return found.sort();
}

/** Parses the text of a directive comment (what follows `snippet:`). Throws on unknown keys. */
export function parseDirective(text: string, where: string): SnippetDirective {
  const directive: SnippetDirective = { mode: "run" };
  const token = /([\w-]+)(?:=(?:"([^"]*)"|'([^']*)'|(\S+)))?/g;
  for (const match of text.matchAll(token)) {
    const key = match[1]!;
    const value = match[2] ?? match[3] ?? match[4];
    switch (key) {
      case "fake":
        if (!value || !FAKE_KINDS.has(value)) {
          throw new Error(`${where}: fake must be one of ${[...FAKE_KINDS].join(", ")}, got ${value}`);
        }
        directive.fake = value as FakeServerKind;
        break;
      case "replies": {
        const replies: unknown = JSON.parse(value ?? "null");
        if (!Array.isArray(replies)) throw new Error(`${where}: replies must be a JSON array`);
        directive.replies = replies;
        break;
      }
      case "expect":
        directive.expect = value;
        break;
      case "reason":
        directive.reason = value;
        break;
      case "typecheck-only":
        directive.mode = "typecheck-only";
        break;
      case "skip":
        directive.mode = "skip";
        break;
      case "pending":
        directive.mode = "pending";
        directive.pending = value;
        break;
      default:
        throw new Error(`${where}: unknown snippet directive key "${key}"`);
    }
  }
  if ((directive.mode === "typecheck-only" || directive.mode === "skip") && !directive.reason) {
    throw new Error(`${where}: ${directive.mode} needs a reason="…"`);
  }
  return directive;
}

/** The directive comment that ends right before line `fenceIndex`, if any. */
function directiveBefore(lines: string[], fenceIndex: number): string | undefined {
  let end = fenceIndex - 1;
  while (end >= 0 && lines[end]!.trim() === "") end -= 1;
  if (end < 0 || !lines[end]!.trim().endsWith("-->")) return undefined;
  let start = end;
  while (start >= 0 && !lines[start]!.includes("<!--")) start -= 1;
  if (start < 0) return undefined;
  const comment = lines
    .slice(start, end + 1)
    .join("\n")
    .replace(/^[\s\S]*?<!--/, "")
    .replace(/-->\s*$/, "")
    .trim();
  return comment.startsWith("snippet:") ? comment.slice("snippet:".length) : undefined;
}

/** The TypeScript blocks of one Markdown text. */
export function extractSnippets(markdown: string, file: string): Snippet[] {
  const lines = markdown.split("\n");
  const snippets: Snippet[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const fence = /^```(\S*)/.exec(lines[index]!);
    if (!fence) continue;
    const isTypeScript = TYPESCRIPT_FENCE.test(lines[index]!);
    const start = index;
    index += 1;
    while (index < lines.length && !/^```\s*$/.test(lines[index]!)) index += 1;
    if (!isTypeScript) continue;
    const id = `${file}:${start + 1}`;
    const code = lines.slice(start + 1, index).join("\n");
    const fragmentReason = FRAGMENTS_OWNED_ELSEWHERE[file]?.[lines[start + 1] ?? ""];
    if (fragmentReason) {
      snippets.push({
        id,
        file,
        line: start + 1,
        code,
        directive: { mode: "fragment", reason: fragmentReason },
      });
      continue;
    }
    const directiveText = directiveBefore(lines, start);
    const directive =
      directiveText === undefined ? { mode: "run" as const } : parseDirective(directiveText, id);
    if (directive.mode === "skip") {
      throw new Error(`${id}: a TypeScript block cannot be skipped; use typecheck-only reason="…"`);
    }
    snippets.push({ id, file, line: start + 1, code, directive });
  }
  return snippets;
}

/** Every TypeScript block of the Markdown files under `docsDirectory`, ids relative to `root`. */
export function collectSnippets(docsDirectory: string, root: string): Snippet[] {
  return markdownFiles(docsDirectory).flatMap((path) =>
    extractSnippets(readFileSync(path, "utf8"), relative(root, path)),
  );
}
