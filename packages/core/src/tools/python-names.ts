/** Python's hard keywords: none of them can name a function or an argument. */
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set([
  "False",
  "None",
  "True",
  "and",
  "as",
  "assert",
  "async",
  "await",
  "break",
  "class",
  "continue",
  "def",
  "del",
  "elif",
  "else",
  "except",
  "finally",
  "for",
  "from",
  "global",
  "if",
  "import",
  "in",
  "is",
  "lambda",
  "nonlocal",
  "not",
  "or",
  "pass",
  "raise",
  "return",
  "try",
  "while",
  "with",
  "yield",
]);

/**
 * Builtins a tool must not shadow: the code a CodeAgent writes relies on them (a tool named
 * `print` would swallow the model's own observations). Other builtins, like `sqrt` or `log`,
 * may be replaced by a tool, as in smolagents.
 */
export const RESERVED_TOOL_NAMES: ReadonlySet<string> = new Set([
  "print",
  "len",
  "range",
  "type",
  "isinstance",
  "issubclass",
  "str",
  "int",
  "float",
  "bool",
  "list",
  "dict",
  "set",
  "tuple",
  "object",
  "super",
  "getattr",
  "setattr",
  "hasattr",
]);

// Python identifiers: a letter or underscore (XID_Start), then letters, digits, underscores.
const IDENTIFIER = /^[\p{XID_Start}_][\p{XID_Continue}]*$/u;

/**
 * Whether `name` is a Python identifier that is not a keyword, so it can name a function or
 * an argument in the code a model writes.
 *
 * @example
 * isValidIdentifier("web_search"); // true
 * isValidIdentifier("web-search"); // false
 * isValidIdentifier("class"); // false
 */
export function isValidIdentifier(name: unknown): name is string {
  return typeof name === "string" && IDENTIFIER.test(name) && !PYTHON_KEYWORDS.has(name);
}
