/**
 * Panels (rounded boxes with a title and a subtitle in the border) and rules (a full-width
 * line with a title), drawn the way rich draws them in smolagents' console output.
 *
 * Box-drawing characters are kept in plain mode: they are ordinary UTF-8 text, not escape
 * codes, so log files and CI output keep the same readable structure, and NO_COLOR is about
 * colour only. What plain mode drops is every ANSI escape.
 */
import {
  displayWidth,
  paint,
  paintSpans,
  type Span,
  spansWidth,
  type TextStyle,
  truncateToWidth,
  wrapSpans,
} from "./styled-text.js";

export type Alignment = "left" | "center";

export interface PanelOptions {
  /** Total width in cells, borders included. */
  width: number;
  color: boolean;
  title?: string;
  titleAlign?: Alignment;
  titleStyle?: TextStyle;
  subtitle?: string;
  subtitleAlign?: Alignment;
  borderStyle?: TextStyle;
}

/** The narrowest panel we draw: two borders, two padding cells and a little content. */
export const minimumPanelWidth = 12;

/** Cells left for content inside a panel of `width` (borders and one space of padding each side). */
export function panelContentWidth(width: number): number {
  return Math.max(width, minimumPanelWidth) - 4;
}

/**
 * Draws one border line, e.g. `╭─ Executing parsed code: ───╮`. The label is cut with "…" when
 * it does not fit; a left-aligned label starts after one border character, as in rich.
 */
function borderLine(
  left: string,
  right: string,
  label: string | undefined,
  alignment: Alignment,
  options: PanelOptions,
): string {
  const inner = Math.max(options.width, minimumPanelWidth) - 2;
  const border = (text: string) => paint(text, options.borderStyle, options.color);
  if (!label) return border(left + "─".repeat(inner) + right);
  const shown = ` ${truncateToWidth(label, inner - 4)} `;
  const free = inner - displayWidth(shown);
  const before = alignment === "left" ? 1 : Math.floor(free / 2);
  return (
    border(left + "─".repeat(before)) +
    paint(shown, options.titleStyle, options.color) +
    border("─".repeat(free - before) + right)
  );
}

/**
 * Draws a panel around `lines` (each a list of spans, without newlines), wrapping every line
 * to the panel's content width.
 */
export function renderPanel(lines: readonly Span[][], options: PanelOptions): string {
  const contentWidth = panelContentWidth(options.width);
  const side = paint("│", options.borderStyle, options.color);
  const output = [borderLine("╭", "╮", options.title, options.titleAlign ?? "center", options)];
  for (const line of lines) {
    for (const wrapped of wrapSpans(line, contentWidth)) {
      output.push(rowOf(side, wrapped, contentWidth, options.color));
    }
  }
  output.push(borderLine("╰", "╯", options.subtitle, options.subtitleAlign ?? "left", options));
  return output.join("\n");
}

/** One content row: border, padding, content padded to `contentWidth`, padding, border. */
export function rowOf(side: string, spans: readonly Span[], contentWidth: number, color: boolean): string {
  const padding = " ".repeat(Math.max(0, contentWidth - spansWidth(spans)));
  return `${side} ${paintSpans(spans, color)}${padding} ${side}`;
}

export interface RuleOptions {
  width: number;
  color: boolean;
  /** `━` for step rules, `─` for lighter section rules. */
  character?: "━" | "─";
  align?: Alignment;
  titleStyle?: TextStyle;
  lineStyle?: TextStyle;
}

/** Draws a full-width rule with `title` in it: `━━━━ Step 1 ━━━━` or `Initial plan ──────`. */
export function renderRule(title: string, options: RuleOptions): string {
  const width = Math.max(options.width, minimumPanelWidth);
  const character = options.character ?? "─";
  const line = (count: number) =>
    paint(character.repeat(Math.max(0, count)), options.lineStyle, options.color);
  if (title === "") return line(width);
  if (options.align === "left") {
    const shown = truncateToWidth(title, width - 2);
    return `${paint(shown, options.titleStyle, options.color)} ${line(width - displayWidth(shown) - 1)}`;
  }
  const shown = ` ${truncateToWidth(title, width - 4)} `;
  const free = width - displayWidth(shown);
  const before = Math.floor(free / 2);
  return line(before) + paint(shown, options.titleStyle, options.color) + line(free - before);
}
