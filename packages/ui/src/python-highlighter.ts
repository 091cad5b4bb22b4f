/**
 * A small Python highlighter for the page. It splits code into tokens the page turns into
 * coloured spans (with `textContent`, never HTML). It only has to look right: it does not
 * parse Python, and unknown text is kept as plain text, so the code always reads unchanged.
 */

export type CodeTokenKind =
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

/** `[kind, text]`: compact on the wire, and joining the texts gives back the code exactly. */
export type CodeToken = [CodeTokenKind, string];

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

// One alternative per token kind, tried in order at each position.
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

function nameKind(name: string, previousWord: string | undefined, code: string, end: number): CodeTokenKind {
  if (previousWord === "def" || previousWord === "class") return "definition";
  if (keywords.has(name)) return "keyword";
  if (constants.has(name)) return "constant";
  if (builtins.has(name)) return "builtin";
  openingParenthesis.lastIndex = end;
  if (openingParenthesis.test(code)) return "call";
  return "text";
}

/**
 * Split Python code into highlight tokens; neighbouring plain-text tokens are merged.
 *
 * @example
 * highlightPython("print(1)"); // [["builtin", "print"], ["text", "("], ["number", "1"], ["text", ")"]]
 */
export function highlightPython(code: string): CodeToken[] {
  const tokens: CodeToken[] = [];
  const push = (kind: CodeTokenKind, text: string) => {
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
    if (groups.space === undefined) previousWord = undefined;
  }
  return tokens;
}
