import { AgentParsingError } from "../../errors.js";

/** The opening and closing markers around the model's code. */
export type CodeBlockTags = readonly [opening: string, closing: string];

/** `<code>` … `</code>`: the default, because the closing tag makes a reliable stop sequence. */
export const DEFAULT_CODE_BLOCK_TAGS: CodeBlockTags = ["<code>", "</code>"];
export const MARKDOWN_CODE_BLOCK_TAGS: CodeBlockTags = ["```python", "```"];

/** `"markdown"` means fenced python blocks; a pair is taken as it is. */
export function resolveCodeBlockTags(option: "markdown" | CodeBlockTags | undefined): CodeBlockTags {
  if (option === undefined) return DEFAULT_CODE_BLOCK_TAGS;
  if (option === "markdown") return MARKDOWN_CODE_BLOCK_TAGS;
  const [opening, closing] = option;
  if (!opening || !closing) throw new AgentParsingError("codeBlockTags must be a pair of non-empty strings.");
  return option;
}

/** Where the code came from: tells the agent whether a syntax error means "no code at all". */
export type CodeSource = "tags" | "fenced" | "whole-text";

export interface ParsedCode {
  code: string;
  source: CodeSource;
}

const FENCED_BLOCK = /```(?:python|py|python3)?[ \t]*\r?\n([\s\S]*?)\r?\n?```/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function allMatches(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)]
    .map((match) => (match[1] ?? "").trim())
    .filter((code) => code.length > 0);
}

/**
 * Finds the model's code, most specific first: every block between the configured tags
 * (joined, so a model that splits its code in two blocks still runs both), then fenced python
 * blocks, then the whole text when it looks like code (the executor has the final word on
 * whether it is valid Python). Throws an `AgentParsingError` that tells the model the expected
 * format otherwise.
 */
export function parseCodeBlobs(text: string, tags: CodeBlockTags = DEFAULT_CODE_BLOCK_TAGS): ParsedCode {
  const [opening, closing] = tags;
  const tagged = allMatches(
    text,
    new RegExp(`${escapeRegExp(opening)}([\\s\\S]*?)${escapeRegExp(closing)}`, "g"),
  );
  if (tagged.length > 0) return { code: stripInnerFence(tagged.join("\n\n")), source: "tags" };

  const fenced = allMatches(text, FENCED_BLOCK);
  if (fenced.length > 0) return { code: fenced.join("\n\n"), source: "fenced" };

  if (looksLikeCode(text)) return { code: text.trim(), source: "whole-text" };

  throw new AgentParsingError(missingCodeMessage(text, tags));
}

/** Models often put a fence inside the tags (`<code>```python …```</code>`): keep the inside. */
function stripInnerFence(code: string): string {
  const match = /^```(?:python|py|python3)?[ \t]*\r?\n([\s\S]*?)\r?\n?```$/.exec(code.trim());
  return match ? (match[1] ?? "").trim() : code;
}

/**
 * A cheap filter before handing untagged text to Python: prose sentences are not code.
 * It only has to reject obvious prose; a false positive costs one SyntaxError that the agent
 * turns into the same "no code found" message.
 */
function looksLikeCode(text: string): boolean {
  const lines = text
    .trim()
    .split(/\r?\n/)
    .filter((line) => line.trim().length > 0);
  if (lines.length === 0) return false;
  const codeLike =
    /(^\s*(def |class |import |from |for |while |if |elif |else:|try:|except|return |print\(|#))|[=()[\]]/;
  return lines.every((line) => codeLike.test(line));
}

export function missingCodeMessage(text: string, tags: CodeBlockTags): string {
  const [opening, closing] = tags;
  const lowered = text.toLowerCase();
  const answerHint =
    lowered.includes("final") && lowered.includes("answer")
      ? `\nIf you meant to give your final answer, write it as code: ${opening}\nfinal_answer("your answer")\n${closing}`
      : "";
  return [
    `No code found in your output. Write your code between ${opening} and ${closing}, like this:`,
    `Thought: what you are going to do and why.`,
    `${opening}`,
    `# your Python code here`,
    `${closing}`,
    `Your output was:\n${text.length > 2000 ? `${text.slice(0, 2000)}…` : text}${answerHint}`,
  ].join("\n");
}

/**
 * Lets a model both store a variable called `final_answer` and call `final_answer(...)`:
 * the variable is renamed so the call still reaches the function.
 */
export function fixFinalAnswerCode(code: string): string {
  const assignment = /(?<![.\w])final_answer(\s*=(?!=))/g;
  if (!/\bfinal_answer\s*\(/.test(code) || !assignment.test(code)) return code;
  return code
    .replace(assignment, "final_answer_variable$1")
    .replace(/(?<![.\w])final_answer\b(?!\s*\()/g, "final_answer_variable");
}

/** `useStructuredOutputsInternally`: the model answers `{"thought": …, "code": …}`. */
export function parseStructuredCodeOutput(text: string): { thought: string; code: string } {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start === -1 || end <= start) {
    throw new AgentParsingError(
      `Expected a JSON object {"thought": "...", "code": "..."}, got: ${text.slice(0, 500)}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(start, end + 1));
  } catch (error) {
    throw new AgentParsingError(
      `Your output is not valid JSON (${(error as Error).message}). Answer with {"thought": "...", "code": "..."}.`,
    );
  }
  const { thought, code } = (parsed ?? {}) as { thought?: unknown; code?: unknown };
  if (typeof code !== "string" || code.trim() === "") {
    throw new AgentParsingError(
      `The JSON must have a non-empty "code" string. Answer with {"thought": "...", "code": "..."}.`,
    );
  }
  return { thought: typeof thought === "string" ? thought : "", code: stripInnerFence(code.trim()) };
}
