/**
 * A small Python highlighter for the "Executing parsed code:" panel: keywords, strings
 * (triple-quoted ones may span lines), numbers, comments, builtins and the names after
 * `def`/`class`, in monokai-like colours. It only has to look right, not to parse Python.
 */
import { palette, type Span, type TextStyle } from "./styled-text.js";

// biome-ignore format: a word list reads better packed
const keywords = new Set([
  "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
  "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
  "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "match", "case",
]);

const constants = new Set(["True", "False", "None"]);

// biome-ignore format: a word list reads better packed
const builtins = new Set([
  "abs", "all", "any", "bool", "dict", "enumerate", "filter", "float", "int", "isinstance", "len",
  "list", "map", "max", "min", "open", "print", "range", "repr", "reversed", "round", "set",
  "sorted", "str", "sum", "tuple", "type", "zip", "final_answer", "self",
]);

const styles = {
  keyword: { color: palette.keyword },
  constant: { color: palette.number },
  string: { color: palette.string },
  number: { color: palette.number },
  comment: { color: palette.comment, italic: true },
  definition: { color: palette.functionName },
  builtin: { color: palette.builtin },
} satisfies Record<string, TextStyle>;

// One alternative per token kind; anything else falls through to `other`, one run at a time.
const token = new RegExp(
  [
    "(?<comment>#[^\\n]*)",
    "(?<string>(?:[rRbBuUfF]{1,2})?(?:\"\"\"[\\s\\S]*?(?:\"\"\"|$)|'''[\\s\\S]*?(?:'''|$)|\"(?:\\\\.|[^\"\\\\\\n])*\"?|'(?:\\\\.|[^'\\\\\\n])*'?))",
    "(?<number>\\b(?:0[xXoObB][0-9a-fA-F_]+|\\d[\\d_]*(?:\\.\\d*)?(?:[eE][+-]?\\d+)?j?)\\b)",
    "(?<decorator>@[\\p{L}_][\\p{L}\\p{N}_.]*)",
    "(?<name>[\\p{L}_][\\p{L}\\p{N}_]*)",
    "(?<other>[\\s\\S])",
  ].join("|"),
  "gu",
);

function styleOf(kind: string, text: string, previousWord: string | undefined): TextStyle | undefined {
  switch (kind) {
    case "comment":
      return styles.comment;
    case "string":
      return styles.string;
    case "number":
      return styles.number;
    case "decorator":
      return styles.definition;
    case "name":
      if (previousWord === "def" || previousWord === "class") return styles.definition;
      if (keywords.has(text)) return styles.keyword;
      if (constants.has(text)) return styles.constant;
      if (builtins.has(text)) return styles.builtin;
      return undefined;
    default:
      return undefined;
  }
}

/** Splits `code` into lines of styled spans (one entry per source line). */
export function highlightPython(code: string): Span[][] {
  const lines: Span[][] = [[]];
  let previousWord: string | undefined;
  for (const match of code.matchAll(token)) {
    const groups = match.groups ?? {};
    const kind = Object.keys(groups).find((key) => groups[key] !== undefined) ?? "other";
    const text = match[0];
    const style = styleOf(kind, text, previousWord);
    if (kind === "name") previousWord = text;
    else if (text.trim() !== "") previousWord = undefined;
    // A token may span lines (a triple-quoted string): cut it at each newline.
    const pieces = text.split("\n");
    pieces.forEach((piece, index) => {
      if (index > 0) lines.push([]);
      if (piece === "") return;
      const line = lines[lines.length - 1]!;
      const last = line[line.length - 1];
      if (last && last.style === style) last.text += piece;
      else line.push({ text: piece, style });
    });
  }
  return lines;
}

/** The same lines without any style, for plain output. */
export function plainLines(code: string): Span[][] {
  return code.split("\n").map((line) => (line === "" ? [] : [{ text: line }]));
}
