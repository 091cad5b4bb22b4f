/**
 * A small Python highlighter, one tokenizer for every display: `tokenizePython` splits code into
 * kinds of tokens; the console renders them as styled spans (`highlightPython`, the "Executing
 * parsed code:" panel, in monokai-like colours) and @smol/ui as coloured HTML spans. It only has
 * to look right: it does not parse Python, and unknown text is kept as plain text, so that the
 * joined tokens always give back the code exactly.
 */
import { palette, type Span, type TextStyle } from "./styled-text.js";

export type PythonTokenKind =
  | "keyword"
  | "constant"
  | "builtin"
  | "string"
  | "number"
  | "comment"
  | "definition"
  | "decorator"
  | "call"
  | "text";

/** `[kind, text]`: compact (the UI sends it to the page as is); the texts join to the code. */
export type PythonToken = [PythonTokenKind, string];

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

// One alternative per token kind, tried in order at each position. `other` takes runs of
// characters no token can start with, so that it never swallows the start of a token.
const tokenPattern = new RegExp(
  [
    "(?<comment>#[^\\n]*)",
    // Optional prefix (r, b, f, rb, …), then triple-quoted (may span lines) or single-line strings.
    "(?<string>(?:[rRbBuUfF]{1,2})?(?:\"\"\"[\\s\\S]*?(?:\"\"\"|$(?![\\s\\S]))|'''[\\s\\S]*?(?:'''|$(?![\\s\\S]))|\"(?:\\\\.|[^\"\\\\\\n])*\"?|'(?:\\\\.|[^'\\\\\\n])*'?))",
    "(?<number>\\b(?:0[xXoObB][0-9a-fA-F_]+|\\d[\\d_]*(?:\\.\\d*)?(?:[eE][+-]?\\d+)?j?)\\b)",
    "(?<decorator>@[\\p{L}_][\\p{L}\\p{N}_.]*)",
    "(?<name>[\\p{L}_][\\p{L}\\p{N}_]*)",
    "(?<space>\\s+)",
    "(?<other>[^\\s\\p{L}\\p{N}_#'\"@]+|[\\s\\S])",
  ].join("|"),
  "gu",
);

const openingParenthesis = /\s*\(/y;

function nameKind(
  name: string,
  previousWord: string | undefined,
  code: string,
  end: number,
): PythonTokenKind {
  if (previousWord === "def" || previousWord === "class") return "definition";
  if (keywords.has(name)) return "keyword";
  if (constants.has(name)) return "constant";
  if (builtins.has(name)) return "builtin";
  openingParenthesis.lastIndex = end;
  if (openingParenthesis.test(code)) return "call";
  return "text";
}

/**
 * Splits Python code into highlight tokens; neighbouring plain-text tokens are merged.
 *
 * @example
 * tokenizePython("print(1)"); // [["builtin", "print"], ["text", "("], ["number", "1"], ["text", ")"]]
 */
export function tokenizePython(code: string): PythonToken[] {
  const tokens: PythonToken[] = [];
  const push = (kind: PythonTokenKind, text: string) => {
    const last = tokens[tokens.length - 1];
    if (kind === "text" && last?.[0] === "text") last[1] += text;
    else tokens.push([kind, text]);
  };
  let previousWord: string | undefined;
  for (const match of code.matchAll(tokenPattern)) {
    const groups = match.groups ?? {};
    const text = match[0];
    if (groups.comment !== undefined) push("comment", text);
    else if (groups.string !== undefined) push("string", text);
    else if (groups.number !== undefined) push("number", text);
    else if (groups.decorator !== undefined) push("decorator", text);
    else if (groups.name !== undefined) {
      push(nameKind(text, previousWord, code, (match.index ?? 0) + text.length), text);
      previousWord = text;
      continue;
    } else push("text", text);
    // `def  name`: only spaces keep the word before a name.
    if (groups.space === undefined) previousWord = undefined;
  }
  return tokens;
}

const definitionStyle: TextStyle = { color: palette.functionName };

/** The console's colour for each kind; calls and plain text are left unstyled. */
const styles: Record<PythonTokenKind, TextStyle | undefined> = {
  keyword: { color: palette.keyword },
  constant: { color: palette.number },
  string: { color: palette.string },
  number: { color: palette.number },
  comment: { color: palette.comment, italic: true },
  definition: definitionStyle,
  decorator: definitionStyle,
  builtin: { color: palette.builtin },
  call: undefined,
  text: undefined,
};

/** Splits `code` into lines of styled spans (one entry per source line), for the console. */
export function highlightPython(code: string): Span[][] {
  const lines: Span[][] = [[]];
  for (const [kind, text] of tokenizePython(code)) {
    const style = styles[kind];
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
