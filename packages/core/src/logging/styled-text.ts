/**
 * The few terminal primitives the logger needs: styled spans, ANSI painting, the display
 * width of a string (wide CJK characters and emoji take two cells) and word wrapping.
 * Written here rather than pulled from a package because core's only runtime dependency is zod.
 */

/** A 256-colour palette index (`ESC[38;5;Nm`), supported by every terminal we care about. */
export type ColorIndex = number;

export interface TextStyle {
  color?: ColorIndex;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
}

/** A run of text drawn in one style. A line is a list of spans. */
export interface Span {
  text: string;
  style?: TextStyle;
}

/** The palette, named by use. 178 is the closest palette entry to smolagents' #d4b702. */
export const palette = {
  yellow: 178,
  orange: 214,
  red: 196,
  white: 15,
  keyword: 197,
  string: 186,
  number: 141,
  comment: 242,
  functionName: 148,
  builtin: 81,
} as const;

/** Wraps `text` in the escape codes of `style`, or returns it untouched when colour is off. */
export function paint(text: string, style: TextStyle | undefined, color: boolean): string {
  if (!color || !style || text === "") return text;
  const codes: string[] = [];
  if (style.bold) codes.push("1");
  if (style.dim) codes.push("2");
  if (style.italic) codes.push("3");
  if (style.color !== undefined) codes.push(`38;5;${style.color}`);
  if (codes.length === 0) return text;
  return `\u001b[${codes.join(";")}m${text}\u001b[0m`;
}

export function paintSpans(spans: readonly Span[], color: boolean): string {
  return spans.map((span) => paint(span.text, span.style, color)).join("");
}

// CSI sequences (colours, cursor moves), OSC sequences (window titles, hyperlinks) and the
// two-byte escapes. Matching control characters is the point of these two patterns.
const escapeSequence =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: it matches terminal escapes on purpose
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]?/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: they remove control characters on purpose
const otherControlCharacters = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Makes text from a model, a tool or executed code safe to print: escape sequences are removed
 * (they could move the cursor or retitle the terminal, and they break width computations),
 * carriage returns become newlines, tabs become four spaces, other control characters go.
 */
export function sanitizeText(text: string): string {
  return text
    .replace(escapeSequence, "")
    .replace(/\r\n?/g, "\n")
    .replace(/\t/g, "    ")
    .replace(otherControlCharacters, "");
}

let graphemeSegmenter: Intl.Segmenter | undefined | null;

/** Splits text into user-perceived characters, so "👍🏽" or "é" (e + accent) stay whole. */
export function splitGraphemes(text: string): string[] {
  if (graphemeSegmenter === undefined) {
    graphemeSegmenter =
      typeof Intl.Segmenter === "function"
        ? new Intl.Segmenter(undefined, { granularity: "grapheme" })
        : null;
  }
  if (graphemeSegmenter === null) return Array.from(text);
  return Array.from(graphemeSegmenter.segment(text), (segment) => segment.segment);
}

// East Asian Wide and Fullwidth blocks (Hangul, CJK, kana, fullwidth forms, …).
const wideRanges: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];
const emojiPresentation = /\p{Emoji_Presentation}|\uFE0F/u;
const zeroWidthOnly = /^[\p{Mn}\p{Me}\p{Cf}]+$/u;
const printableAscii = /^[\x20-\x7e]*$/;

/** Terminal cells taken by one grapheme: 0, 1 or 2. */
export function graphemeWidth(grapheme: string): number {
  const codePoint = grapheme.codePointAt(0);
  if (codePoint === undefined) return 0;
  if (codePoint >= 0x20 && codePoint < 0x7f) return 1;
  if (zeroWidthOnly.test(grapheme)) return 0;
  if (emojiPresentation.test(grapheme)) return 2;
  for (const [start, end] of wideRanges) {
    if (codePoint >= start && codePoint <= end) return 2;
  }
  return 1;
}

/** Terminal cells taken by `text` (which must not contain escape sequences). */
export function displayWidth(text: string): number {
  if (printableAscii.test(text)) return text.length;
  let width = 0;
  for (const grapheme of splitGraphemes(text)) width += graphemeWidth(grapheme);
  return width;
}

interface Cell {
  grapheme: string;
  width: number;
  style: TextStyle | undefined;
}

function toCells(spans: readonly Span[]): Cell[] {
  const cells: Cell[] = [];
  for (const span of spans) {
    for (const grapheme of splitGraphemes(span.text)) {
      cells.push({ grapheme, width: graphemeWidth(grapheme), style: span.style });
    }
  }
  return cells;
}

function toSpans(cells: readonly Cell[]): Span[] {
  const spans: Span[] = [];
  for (const cell of cells) {
    const last = spans[spans.length - 1];
    if (last && last.style === cell.style) last.text += cell.grapheme;
    else spans.push({ text: cell.grapheme, style: cell.style });
  }
  return spans;
}

export function spansWidth(spans: readonly Span[]): number {
  return spans.reduce((total, span) => total + displayWidth(span.text), 0);
}

/**
 * Wraps one line (no newlines) to `width` cells: breaks after spaces when it can, and inside a
 * word only when the word alone is wider than the line. Always returns at least one line.
 */
export function wrapSpans(spans: readonly Span[], width: number): Span[][] {
  if (spansWidth(spans) <= width) return [spans.filter((span) => span.text !== "")];
  const cells = toCells(spans);
  const lines: Span[][] = [];
  let start = 0;
  // Each pass emits one line and advances `start` by at least one cell, so the loop ends.
  while (start < cells.length) {
    let used = 0;
    let end = start;
    let lastBreak = -1;
    while (end < cells.length && used + cells[end]!.width <= width) {
      used += cells[end]!.width;
      if (cells[end]!.grapheme === " ") lastBreak = end + 1;
      end++;
    }
    if (end === start) end = start + 1; // a wide character on a one-cell line: emit it anyway
    if (end < cells.length && lastBreak > start && cells[end]!.grapheme !== " ") end = lastBreak;
    let lineEnd = end;
    while (lineEnd > start && cells[lineEnd - 1]!.grapheme === " ") lineEnd--;
    lines.push(toSpans(cells.slice(start, lineEnd)));
    start = end;
    while (start < cells.length && cells[start]!.grapheme === " ") start++;
  }
  return lines.length > 0 ? lines : [[]];
}

/** Cuts `text` to `width` cells, ending with "…" when something was cut. */
export function truncateToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return "";
  let result = "";
  let used = 0;
  for (const grapheme of splitGraphemes(text)) {
    const cellWidth = graphemeWidth(grapheme);
    if (used + cellWidth > width - 1) break;
    result += grapheme;
    used += cellWidth;
  }
  return `${result}…`;
}
