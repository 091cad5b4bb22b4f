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

/**
 * Where the code came from. `"whole-text"` is code found in untagged text (the whole output, a
 * bare `final_answer(…)` line, or the Python that follows prose): it is only a guess that the
 * text is Python, so the agent turns a SyntaxError on it into "no code found" for the model.
 */
export type CodeSource = "tags" | "fenced" | "whole-text";

export interface ParsedCode {
  code: string;
  source: CodeSource;
}

/**
 * The placeholders of smol's format hints. They are not valid Python on purpose: a model that
 * copies a hint instead of writing its own code is recognised (see `isFormatHintEcho`), and
 * could not run the copy anyway.
 */
export const CODE_PLACEHOLDER = "<your Python code>";
export const ANSWER_PLACEHOLDER = "<your answer>";

/**
 * Finds the model's code. In order of preference (the first that yields code wins):
 *
 * 1. Blocks between the configured tags (with `"markdown"` tags: ```` ```py ````/```` ```python ````
 *    fences), all of them, joined by a blank line. A block left open at the end of the output
 *    runs to the end (the closing tag is a stop sequence that providers often cut off).
 * 2. Markdown fences of Python (```` ```py ````, ```` ```python ````, ```` ```python3 ````, or a
 *    fence with no language whose content looks like Python), all of them, joined; likewise a
 *    fence left open at the end runs to the end. Fences are read by lines: a fence only opens or
 *    closes at the start of a line, and a block indented as a whole (fences included) is dedented.
 * 3. Python written without a fence or tags: the whole output, or its end after a prose
 *    introduction, when it looks like Python line by line (see `pythonTailOfText`).
 * 4. A bare `final_answer(…)` line, without a fence, among prose.
 *
 * Never searched: closed `<think>…</think>` sections, the content of fences (so `<code>` in a
 * string of a fenced block is not a tag), and what follows an `Observation:` line written after
 * a block (the model inventing the result of its own code). A block that holds only comments is
 * no code, and so is a copy of a format hint (`isFormatHintEcho`). Exact duplicates of a block
 * run once. Anything else throws an `AgentParsingError` that names the expected format.
 * docs/output-format.md explains each rule with examples.
 */
export function parseCodeBlobs(text: string, tags: CodeBlockTags = DEFAULT_CODE_BLOCK_TAGS): ParsedCode {
  const scan = scanBlocks(withoutReasoning(text), tags);
  const rejected: RejectedBlock[] = [];
  const keep = (blocks: ScannedBlock[]): string[] => {
    const codes: string[] = [];
    for (const block of blocks) {
      const code = block.content.trim();
      const reason = rejectionOf(code) ?? (block.closed === false ? cutOffRejection(code) : undefined);
      if (reason) rejected.push({ reason, language: block.language });
      else if (!codes.includes(code)) codes.push(code);
    }
    return codes;
  };

  const tagged = keep(scan.blocks.filter((block) => block.kind === "tags"));
  if (tagged.length > 0) return { code: tagged.join("\n\n"), source: "tags" };

  const fences = scan.blocks.filter((block) => block.kind === "fence");
  const pythonFences = fences.filter(
    (block) =>
      PYTHON_LANGUAGES.has(block.language) ||
      (block.language === "" && pythonTail(block.content.split("\n"), 0) !== undefined),
  );
  const fenced = keep(pythonFences);
  if (fenced.length > 0) return { code: fenced.join("\n\n"), source: "fenced" };

  const outsideLines = scan.outside.split("\n");
  const tail = scan.blocks.length === 0 ? pythonTailOfText(outsideLines) : undefined;
  if (tail !== undefined) {
    const reason = rejectionOf(tail);
    if (!reason) return { code: tail, source: "whole-text" };
    rejected.push({ reason, language: "" });
  }

  const finalAnswer = bareFinalAnswer(outsideLines);
  if (finalAnswer === "ambiguous") {
    throw new AgentParsingError(
      missingCodeMessage(
        text,
        tags,
        "Your output has several different final_answer(...) lines and no code block",
      ),
    );
  }
  if (finalAnswer !== undefined && !rejectionOf(finalAnswer))
    return { code: finalAnswer, source: "whole-text" };

  throw new AgentParsingError(missingCodeMessage(text, tags, explainRejection(rejected, fences)));
}

const PYTHON_LANGUAGES = new Set(["py", "python", "python3", "py3"]);

/**
 * Closed `<think>…</think>` (and `<thinking>`) sections: the model's reasoning, where drafts and
 * quoted examples are not the action. An unclosed section is kept: a model may put its whole
 * answer after a `<think>` it never closes.
 */
function withoutReasoning(text: string): string {
  return text.replace(/<(think|thinking)>[\s\S]*?<\/\1>/gi, "\n");
}

interface ScannedBlock {
  kind: "tags" | "fence";
  /** The fence's language, lowercased; "" for tags and bare fences. */
  language: string;
  content: string;
  /** False for a fence left open at the end of the output. */
  closed?: boolean;
}

interface Scan {
  blocks: ScannedBlock[];
  /** The text outside every block, up to an invented `Observation:` line. */
  outside: string;
}

const FENCE_OPENING = /^([ \t]*)(`{3,}|~{3,})[ \t]*([^\s`]*)[^\n`]*$/;
const OBSERVATION_LINE = /^[ \t]*Observation:/;

/**
 * Reads the text once, left to right: whichever comes first, a code tag or a fence line, owns
 * the text up to its end, so neither is looked for inside the other. Stops at an `Observation:`
 * line outside blocks that follows a block.
 */
function scanBlocks(text: string, tags: CodeBlockTags): Scan {
  const [opening, closing] = tags;
  // Markdown tags are fences: the line reader handles them, with their indentation.
  const tagsAreFences = opening.startsWith("```");
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const blocks: ScannedBlock[] = [];
  const outside: string[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    // Only after a block: an output may open by restating the previous observation.
    if (blocks.length > 0 && OBSERVATION_LINE.test(line)) break;
    const tagAt = tagsAreFences ? -1 : line.indexOf(opening);
    const fence = FENCE_OPENING.exec(line);
    if (fence && (tagAt === -1 || tagAt >= fence[1]!.length)) {
      const read = readFence(lines, index, fence);
      if (read.block) {
        const isTag = tagsAreFences && PYTHON_LANGUAGES.has(read.block.language);
        blocks.push(isTag ? { ...read.block, kind: "tags" } : read.block);
      }
      outside.push("");
      index = read.next;
      continue;
    }
    if (tagAt !== -1) {
      const read = readTagged(lines, index, tagAt);
      outside.push(line.slice(0, tagAt));
      blocks.push({
        kind: "tags",
        language: "",
        content: stripInnerFence(afterMentionedTag(read.content, opening)),
      });
      // The rest of the closing line is read again as ordinary text.
      if (read.next < lines.length) lines[read.next] = read.rest;
      index = read.next;
      continue;
    }
    outside.push(line);
    index += 1;
  }
  return { blocks, outside: outside.join("\n") };

  /** The block opening at `tagAt` of line `start`: its content, its closing line, what follows there. */
  function readTagged(all: string[], start: number, tagAt: number) {
    const remainder = [all[start]!.slice(tagAt + opening.length), ...all.slice(start + 1)].join("\n");
    const end = remainder.indexOf(closing);
    if (end === -1) return { content: remainder, next: all.length, rest: "" };
    const content = remainder.slice(0, end);
    const consumedLines = content.split("\n").length - 1;
    const closingLine = start + consumedLines;
    const closingLineText =
      consumedLines === 0 ? all[start]!.slice(tagAt + opening.length) : all[closingLine]!;
    const restStart = closingLineText.indexOf(closing) + closing.length;
    return { content, next: closingLine, rest: closingLineText.slice(restStart) };
  }
}

/**
 * An opening tag mentioned in prose ("I will write it in <code> tags.") before the real one, on
 * a line of its own, starts no block: the block starts at the last opening tag alone on a line.
 */
function afterMentionedTag(content: string, opening: string): string {
  const lines = content.split("\n");
  const last = lines.findLastIndex((line) => line.trim() === opening);
  return last === -1 ? content : lines.slice(last + 1).join("\n");
}

/**
 * One fenced block from its opening line: up to a closing fence line (same character, at least
 * as long, no language after it) or the end of the text. Lines lose the fence's own indentation.
 * A fence with no language followed by a ```` ```py ```` line is a stray fence (a Thought line
 * closed with ```): the Python fence is read instead.
 */
function readFence(
  lines: string[],
  start: number,
  opening: RegExpExecArray,
): { block?: ScannedBlock; next: number; closed: boolean } {
  const indent = opening[1]!.length;
  const marker = opening[2]!;
  const language = opening[3]!.toLowerCase();
  // Not followed by a word: ```` ```<end_code> ```` and stray end tokens still close the block.
  const closingFence = new RegExp(`^[ \\t]*\\${marker[0]}{${marker.length},}(?![\\w\\${marker[0]}])`);
  const content: string[] = [];
  for (let index = start + 1; index < lines.length; index++) {
    const line = lines[index]!;
    if (closingFence.test(line)) {
      return {
        block: { kind: "fence", language, content: content.join("\n") },
        next: index + 1,
        closed: true,
      };
    }
    const nested = FENCE_OPENING.exec(line);
    if (language === "" && nested && PYTHON_LANGUAGES.has(nested[3]!.toLowerCase())) {
      return { next: index, closed: false };
    }
    content.push(dedentLine(line, indent));
  }
  return {
    block: { kind: "fence", language, content: content.join("\n"), closed: false },
    next: lines.length,
    closed: false,
  };
}

function dedentLine(line: string, indent: number): string {
  let cut = 0;
  while (cut < indent && (line[cut] === " " || line[cut] === "\t")) cut += 1;
  return line.slice(cut);
}

/**
 * Models often put a fence inside the tags (`<code>```python …```</code>`): keep the inside. A
 * lone closing fence at the end, with no opening one (the model closed its block with ```` ``` ````
 * before the closing tag), is dropped too.
 */
function stripInnerFence(code: string): string {
  const lines = code.trim().split("\n");
  const opening = FENCE_OPENING.exec(lines[0] ?? "");
  if (opening && (opening[3] === "" || PYTHON_LANGUAGES.has(opening[3]!.toLowerCase()))) {
    const read = readFence(lines, 0, opening);
    // A bare ``` first line opens a fence only if a closing one follows.
    if (read.block && (opening[3] !== "" || read.closed)) return read.block.content;
  }
  if (lines.length > 1 && /^[ \t]*`{3,}[ \t]*$/.test(lines.at(-1)!)) return lines.slice(0, -1).join("\n");
  return code;
}

type Rejection = "comments-only" | "hint-echo" | "cut-off";

interface RejectedBlock {
  reason: Rejection;
  language: string;
}

function rejectionOf(code: string): Rejection | undefined {
  if (withoutComments(code).trim() === "") return "comments-only";
  if (isFormatHintEcho(code)) return "hint-echo";
  return undefined;
}

/**
 * A fence left open at the end whose code only imports: the output was cut off (a length limit,
 * a stop sequence) before the model wrote anything that acts. Running the imports would teach
 * the model nothing; telling it that its block ends early does.
 */
function cutOffRejection(code: string): Rejection | undefined {
  const statements = withoutComments(code)
    .split("\n")
    .filter((line) => line.trim() !== "");
  const importsOnly = statements.every((line) => /^(?:import\s+[\w.]|from\s+[\w.]+\s+import\s)/.test(line));
  return importsOnly ? "cut-off" : undefined;
}

/** The code without its comment-only lines (a `#` after code, or in a string, stays). */
function withoutComments(code: string): string {
  return code
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n");
}

/**
 * A copy of a format hint rather than the model's own code: smol's placeholders, or the ones of
 * smolagents' hints that small models still reproduce ("YOUR FINAL ANSWER HERE", "your python
 * code here"), given as the whole answer.
 */
export function isFormatHintEcho(code: string): boolean {
  if (code.includes(CODE_PLACEHOLDER) || code.includes(ANSWER_PLACEHOLDER)) return true;
  const statements = withoutComments(code).trim();
  const call = /^final_answer\(\s*(?:"([^"\n]*)"|'([^'\n]*)')\s*\)$/.exec(statements);
  const answer = call ? (call[1] ?? call[2] ?? "") : undefined;
  return (
    answer !== undefined &&
    /\byour\b.*\b(answer|code)\b.*\bhere\b|^\s*your( final)? answer\s*$|^\s*\.\.\.\s*$/i.test(answer)
  );
}

/**
 * The `final_answer(…)` line written outside any block: one complete call on a line of its own.
 * Several different ones are "ambiguous": the agent asks rather than picks.
 */
function bareFinalAnswer(lines: string[]): string | "ambiguous" | undefined {
  const found = new Set<string>();
  for (const line of lines) {
    const trimmed = line.trim();
    if (!/^final_answer\(.*\)$/.test(trimmed)) continue;
    const scan = scanPythonLine(trimmed, { depth: 0, quote: undefined });
    if (scan.depth === 0 && scan.quote === undefined) found.add(trimmed);
  }
  if (found.size > 1) return "ambiguous";
  return found.values().next().value;
}

/**
 * Python written without a fence: the longest end of the text that looks like Python, either the
 * whole text or what follows a line of prose. The host has no Python parser, so "looks like" is
 * a conservative line-by-line test (`pythonTail`); the runtime's SyntaxError has the last word
 * (the agent then tells the model the expected format). After prose, the code must be more than
 * a stray line: two statements at least, or a `final_answer` call.
 */
function pythonTailOfText(lines: string[]): string | undefined {
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === "") lines = lines.slice(0, -1);
  let tried = 0;
  for (let start = 0; start < lines.length && tried < MAX_TAIL_STARTS; start++) {
    if (start > 0 && lines[start - 1]!.trim() !== "" && !/:\s*$/.test(lines[start - 1]!)) continue;
    tried += 1;
    const statements = pythonTail(lines, start);
    if (statements === undefined) continue;
    const code = lines.slice(start).join("\n").trim();
    if (start === 0 || statements >= 2 || /(^|\n)\s*final_answer\(/.test(code)) return code;
  }
  return undefined;
}

/** Where Python after prose may start: after a blank line or a line ending with ":". Bounds the work on long outputs. */
const MAX_TAIL_STARTS = 200;

const STATEMENT_START =
  /^(?:import\s+[\w.]+|from\s+[\w.]+\s+import\s|def\s+\w+\s*\(|class\s+\w+\s*[(:]|(?:if|elif|while|for|with|try|except|else|finally)\b[^\n]*:$|return\b|pass$|break$|continue$|raise\b|assert\s|del\s|print\s*\(|@\w)/;
const ASSIGNMENT =
  /^[A-Za-z_][\w.]*(?:\[[^\]]*\])?(?:\s*,\s*[A-Za-z_][\w.]*)*\s*(?:[-+*/%&|^@]|\/\/|\*\*|<<|>>)?=(?!=)\s*\S/;
const CALL = /^[A-Za-z_][\w.]*\([^\n]*$/;

/**
 * How many statements `lines[start..]` holds if every line looks like Python, else undefined.
 * A top-level line must start a statement (keyword, assignment or call), be a comment, or be
 * indented under a line ending with `:`; lines inside open brackets or a triple-quoted string,
 * or after a backslash, continue the statement whatever they hold.
 */
function pythonTail(lines: string[], start: number): number | undefined {
  let state: LineState = { depth: 0, quote: undefined };
  let statements = 0;
  let inBlock = false;
  let continued = false;
  for (let index = start; index < lines.length; index++) {
    const line = lines[index]!;
    const trimmed = line.trim();
    const continuing = continued || state.depth > 0 || state.quote !== undefined;
    if (!continuing && trimmed !== "" && !trimmed.startsWith("#")) {
      const indented = /^\s/.test(line);
      if (indented && !inBlock) return undefined;
      if (!indented) {
        const code = trimmed.replace(/\s+#.*$/, "");
        if (!STATEMENT_START.test(code) && !ASSIGNMENT.test(code) && !CALL.test(code)) return undefined;
        statements += 1;
        inBlock = false;
      }
    }
    state = scanPythonLine(line, state);
    continued = state.depth === 0 && state.quote === undefined && /\\$/.test(line);
    if (state.depth === 0 && state.quote === undefined && /:\s*(#.*)?$/.test(trimmed)) inBlock = true;
  }
  if (state.depth !== 0 || state.quote !== undefined) return undefined;
  return statements > 0 ? statements : undefined;
}

interface LineState {
  /** Open brackets. */
  depth: number;
  /** The quote of a string still open at the end of the line (only triple quotes span lines). */
  quote: string | undefined;
}

/** Brackets and strings of one line of Python, from the state the previous line left. */
function scanPythonLine(line: string, state: LineState): LineState {
  let { depth, quote } = state;
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!;
    if (quote !== undefined) {
      if (char === "\\") index += 1;
      else if (line.startsWith(quote, index)) {
        index += quote.length - 1;
        quote = undefined;
      }
      continue;
    }
    if (char === "#") break;
    if (char === '"' || char === "'") {
      quote = line.startsWith(char.repeat(3), index) ? char.repeat(3) : char;
      index += quote.length - 1;
    } else if ("([{".includes(char)) depth += 1;
    else if (")]}".includes(char)) depth = Math.max(0, depth - 1);
  }
  // A one-quote string cannot span lines: the line is not valid Python, which the runtime says.
  if (quote !== undefined && quote.length === 1) quote = undefined;
  return { depth, quote };
}

function explainRejection(rejected: RejectedBlock[], fences: ScannedBlock[]): string | undefined {
  if (rejected.some((block) => block.reason === "hint-echo")) {
    return `Your output repeats the example of the format hint (${CODE_PLACEHOLDER} or ${ANSWER_PLACEHOLDER} stand for your own code and answer); nothing was run`;
  }
  if (rejected.some((block) => block.reason === "cut-off")) {
    return "Your code block is never closed and holds only imports, so your output seems cut off before the code that acts; nothing was run";
  }
  if (rejected.some((block) => block.reason === "comments-only")) {
    return "Your code block holds only comments, so there was nothing to run";
  }
  const others = [
    ...new Set(fences.map((block) => block.language).filter((language) => !PYTHON_LANGUAGES.has(language))),
  ];
  const named = others.filter((language) => language !== "");
  if (named.length > 0)
    return `Your code is in a ${named.map((language) => `\`\`\`${language}`).join(", ")} block; only Python runs`;
  return undefined;
}

/**
 * What the model is told when its output has no code it could mean: the expected format, its
 * own output, and a hint to call final_answer when it wrote an answer in prose. The examples use
 * the placeholders, so a copy of them is recognised and not run.
 */
export function missingCodeMessage(text: string, tags: CodeBlockTags, reason?: string): string {
  const [opening, closing] = tags;
  const lowered = text.toLowerCase();
  const answerHint =
    lowered.includes("final") && lowered.includes("answer")
      ? `\nIf you meant to give your final answer, call final_answer in code, replacing ${ANSWER_PLACEHOLDER} with the answer:\n${opening}\nfinal_answer(${ANSWER_PLACEHOLDER})\n${closing}`
      : "";
  return [
    // The tags appear only around the example, so that a copy of this message holds no code.
    `${reason ?? "No code found in your output"}. Write a Thought, then your Python code in a code block, like this:`,
    `Thought: what you are going to do and why.`,
    `${opening}`,
    `${CODE_PLACEHOLDER}`,
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

/**
 * `useStructuredOutputsInternally`: the model answers `{"thought": …, "code": …}`. Code that the
 * model still wrapped in the code tags or in a fence is unwrapped, as smolagents does.
 */
export function parseStructuredCodeOutput(
  text: string,
  tags: CodeBlockTags = DEFAULT_CODE_BLOCK_TAGS,
): { thought: string; code: string } {
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
  return { thought: typeof thought === "string" ? thought : "", code: unwrapCode(code.trim(), tags) };
}

function unwrapCode(code: string, tags: CodeBlockTags): string {
  for (const [opening, closing] of [tags, DEFAULT_CODE_BLOCK_TAGS]) {
    if (code.startsWith(opening)) {
      const inner = code.slice(opening.length);
      const end = inner.lastIndexOf(closing);
      return stripInnerFence((end === -1 ? inner : inner.slice(0, end)).trim()).trim();
    }
  }
  return stripInnerFence(code).trim();
}
