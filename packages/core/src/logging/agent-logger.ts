/**
 * The agent's console output, in the shape of smolagents' rich logs: a "New run" panel, a rule
 * per step, code and tool-call panels, observations, errors, the final answer and a dim footer
 * per step. Colour when writing to a terminal, the same structure without escapes otherwise.
 */

import { SmolError } from "../errors.js";
import { minimumPanelWidth, panelContentWidth, renderPanel, renderRule, rowOf } from "./boxes.js";
import { shouldUseColor } from "./color-support.js";
import { formatCount, formatValueForDisplay } from "./display-format.js";
import { highlightPython, plainLines } from "./python-highlight.js";
import { paint, palette, type Span, sanitizeText, type TextStyle, wrapSpans } from "./styled-text.js";

/** How much an agent prints. A message is printed when its level is at most the logger's. */
export enum LogLevel {
  /** Nothing at all, not even errors. */
  OFF = -1,
  ERROR = 0,
  /** The default: runs, steps, actions, observations, answers. */
  INFO = 1,
  /** Also the model's raw output. */
  DEBUG = 2,
}

/** Where the text goes: a stream, or a function that receives each chunk (newline included). */
export type LogOutput = NodeJS.WritableStream | ((text: string) => void);

export interface AgentLoggerOptions {
  /** Default `LogLevel.INFO`. */
  level?: LogLevel;
  /** Default `process.stdout`. */
  output?: LogOutput;
  /** Default: `shouldUseColor` of the output stream; off for a function output unless FORCE_COLOR. */
  color?: boolean;
  /** Width of panels and rules. Default: the terminal's columns, or 100 when not a terminal. */
  width?: number;
}

export interface StepFooterInfo {
  stepNumber: number;
  durationSeconds?: number;
  tokenUsage?: { inputTokens: number; outputTokens: number };
}

const defaultWidth = 100;
const yellow: TextStyle = { color: palette.yellow };
const bold: TextStyle = { bold: true };

function checkLevel(level: unknown): LogLevel {
  if (level === undefined) return LogLevel.INFO;
  if (
    typeof level === "number" &&
    Number.isInteger(level) &&
    level >= LogLevel.OFF &&
    level <= LogLevel.DEBUG
  ) {
    return level as LogLevel;
  }
  throw new SmolError(
    `Invalid log level ${JSON.stringify(level)}: use LogLevel.OFF (-1), ERROR (0), INFO (1) or DEBUG (2).`,
  );
}

/** Text as lines of one style each, sanitized; `[]` spans for empty lines. */
function styledLines(text: string, style?: TextStyle): Span[][] {
  return sanitizeText(text)
    .split("\n")
    .map((line) => (line === "" ? [] : [{ text: line, style }]));
}

/**
 * Prints what an agent does. Every method takes the level of its message and drops it when the
 * logger's level is lower; `LogLevel.OFF` prints nothing.
 *
 * Panels and rules are drawn to the width; free text (observations, model output) is printed
 * unwrapped so that JSON or URLs copied from the console stay intact.
 *
 * @example
 * const logger = new AgentLogger({ level: LogLevel.INFO });
 * logger.logTask("What is 2 + 2?", { subtitle: "OpenAIModel - gpt-4o" });
 * logger.logRule("Step 1");
 * logger.logToolCall("calculator", { expression: "2 + 2" });
 * logger.logObservation("4");
 * logger.logFinalAnswer(4);
 */
export class AgentLogger {
  readonly level: LogLevel;
  readonly color: boolean;
  private readonly write: (text: string) => void;
  private readonly stream: NodeJS.WritableStream | undefined;
  private readonly fixedWidth: number | undefined;

  constructor(options: AgentLoggerOptions = {}) {
    this.level = checkLevel(options.level);
    const output = options.output ?? process.stdout;
    if (typeof output === "function") {
      this.write = output;
    } else {
      this.stream = output;
      this.write = (text) => {
        output.write(text);
      };
    }
    this.color = options.color ?? shouldUseColor(this.stream ?? { isTTY: false });
    if (
      options.width !== undefined &&
      (!Number.isInteger(options.width) || options.width < minimumPanelWidth)
    ) {
      throw new SmolError(
        `Invalid console width ${options.width}: give a whole number of columns, at least ${minimumPanelWidth}.`,
      );
    }
    this.fixedWidth = options.width;
  }

  /** Columns for panels and rules, read on each message so a resized terminal is followed. */
  get width(): number {
    if (this.fixedWidth !== undefined) return this.fixedWidth;
    const terminal = this.stream as { isTTY?: boolean; columns?: number } | undefined;
    if (terminal?.isTTY && typeof terminal.columns === "number" && terminal.columns > 0) {
      return Math.max(terminal.columns, minimumPanelWidth);
    }
    return defaultWidth;
  }

  /** True when a message at `level` would be printed. */
  isEnabled(level: LogLevel): boolean {
    return this.level !== LogLevel.OFF && level <= this.level;
  }

  /** Prints `text` on its own line(s). */
  log(text: string, level: LogLevel = LogLevel.INFO): void {
    this.print(level, () => sanitizeText(text));
  }

  /** The "New run" panel opening a run; `subtitle` is usually "<ModelClass> - <modelId>". */
  logTask(task: string, options: { title?: string; subtitle?: string; level?: LogLevel } = {}): void {
    this.print(options.level ?? LogLevel.INFO, () =>
      renderPanel([[], ...styledLines(task, bold), []], {
        width: this.width,
        color: this.color,
        title: `New run${options.title ? ` - ${sanitizeText(options.title)}` : ""}`,
        titleStyle: bold,
        subtitle: options.subtitle === undefined ? undefined : sanitizeText(options.subtitle),
        borderStyle: yellow,
      }),
    );
  }

  /** A heavy full-width rule, e.g. `━━━ Step 1 ━━━`. */
  logRule(title: string, level: LogLevel = LogLevel.INFO): void {
    this.print(level, () =>
      renderRule(sanitizeText(title), {
        width: this.width,
        color: this.color,
        character: "━",
        titleStyle: { bold: true, color: palette.white },
        lineStyle: yellow,
      }),
    );
  }

  /** The model's output, under an optional left-aligned title rule. DEBUG by default. */
  logMarkdown(text: string, options: { title?: string; level?: LogLevel } = {}): void {
    this.print(options.level ?? LogLevel.DEBUG, () => {
      const body = sanitizeText(text);
      if (!options.title) return body;
      const rule = renderRule(sanitizeText(options.title), {
        width: this.width,
        color: this.color,
        align: "left",
        titleStyle: { bold: true, italic: true, color: palette.yellow },
        lineStyle: yellow,
      });
      return `${rule}\n${body}`;
    });
  }

  /** The code about to run, in a panel with line numbers, highlighted when coloured. */
  logCode(code: string, options: { title?: string; level?: LogLevel } = {}): void {
    this.print(options.level ?? LogLevel.INFO, () => {
      const clean = sanitizeText(code).replace(/\n+$/, "");
      const lines = this.color ? highlightPython(clean) : plainLines(clean);
      const gutterWidth = String(lines.length).length + 2;
      const contentWidth = panelContentWidth(this.width);
      const codeWidth = Math.max(1, contentWidth - gutterWidth - 1);
      const rows: string[] = [];
      const side = "│";
      lines.forEach((line, index) => {
        wrapSpans(line, codeWidth).forEach((wrapped, part) => {
          // Continuation lines of a wrapped source line get an empty gutter.
          const number = part === 0 ? String(index + 1).padStart(gutterWidth) : " ".repeat(gutterWidth);
          const gutter: Span = { text: `${number} `, style: { dim: true } };
          rows.push(rowOf(side, [gutter, ...wrapped], contentWidth, this.color));
        });
      });
      const frame = renderPanel([], {
        width: this.width,
        color: this.color,
        title: sanitizeText(options.title ?? "Executing parsed code:"),
        titleAlign: "left",
        titleStyle: bold,
      }).split("\n");
      return [frame[0], ...rows, frame[1]].join("\n");
    });
  }

  /** `Calling tool: 'name' with arguments: {…}` in a panel. */
  logToolCall(name: string, args: unknown, level: LogLevel = LogLevel.INFO): void {
    this.print(level, () => {
      const line: Span[] = [
        { text: "Calling tool: '" },
        { text: sanitizeText(name), style: bold },
        { text: `' with arguments: ${sanitizeText(formatValueForDisplay(args)).replace(/\n/g, " ")}` },
      ];
      return renderPanel([line], { width: this.width, color: this.color });
    });
  }

  /** `Observations: …`, what a tool call returned. */
  logObservation(text: string, level: LogLevel = LogLevel.INFO): void {
    this.print(level, () => `Observations: ${sanitizeText(text)}`);
  }

  /** `Execution logs:` (bold) followed by what the executed code printed. */
  logExecutionLogs(logs: string, level: LogLevel = LogLevel.INFO): void {
    this.print(level, () => `${paint("Execution logs:", bold, this.color)}\n${sanitizeText(logs)}`);
  }

  /** An error, in bold red; printed at every level but OFF. */
  logError(message: string): void {
    this.print(LogLevel.ERROR, () =>
      sanitizeText(message)
        .split("\n")
        .map((line) => paint(line, { bold: true, color: palette.red }, this.color))
        .join("\n"),
    );
  }

  /**
   * `Final answer: …` in bold yellow. `label` replaces "Final answer" (CodeAgent prints
   * "Out - Final answer").
   */
  logFinalAnswer(answer: unknown, options: { label?: string; level?: LogLevel } = {}): void {
    this.print(options.level ?? LogLevel.INFO, () => {
      const text = `${options.label ?? "Final answer"}: ${sanitizeText(formatValueForDisplay(answer))}`;
      return text
        .split("\n")
        .map((line) => paint(line, { bold: true, color: palette.yellow }, this.color))
        .join("\n");
    });
  }

  /** An "Initial plan" or "Updated plan" rule followed by the plan. */
  logPlan(plan: string, options: { initial: boolean; level?: LogLevel }): void {
    this.print(options.level ?? LogLevel.INFO, () => {
      const rule = renderRule(options.initial ? "Initial plan" : "Updated plan", {
        width: this.width,
        color: this.color,
        titleStyle: bold,
        lineStyle: { color: palette.orange },
      });
      return `${rule}\n${sanitizeText(plan)}`;
    });
  }

  /** The dim `[Step 1: Duration 0.10 seconds | Input tokens: 4,288 | Output tokens: 148]` line. */
  logStepFooter(info: StepFooterInfo, level: LogLevel = LogLevel.INFO): void {
    this.print(level, () => paint(formatStepFooter(info), { dim: true }, this.color));
  }

  /** Renders lazily, so that a dropped message costs nothing, then writes one chunk. */
  private print(level: LogLevel, render: () => string): void {
    if (!this.isEnabled(level)) return;
    this.write(`${render()}\n`);
  }
}

/**
 * The footer text, without style.
 *
 * @example
 * formatStepFooter({ stepNumber: 1, durationSeconds: 0.1, tokenUsage: { inputTokens: 4288, outputTokens: 148 } });
 * // "[Step 1: Duration 0.10 seconds | Input tokens: 4,288 | Output tokens: 148]"
 */
export function formatStepFooter(info: StepFooterInfo): string {
  const parts = [`Step ${info.stepNumber}`];
  if (info.durationSeconds !== undefined && Number.isFinite(info.durationSeconds)) {
    parts[0] += `: Duration ${info.durationSeconds.toFixed(2)} seconds`;
  }
  if (info.tokenUsage) {
    parts.push(`Input tokens: ${formatCount(info.tokenUsage.inputTokens)}`);
    parts.push(`Output tokens: ${formatCount(info.tokenUsage.outputTokens)}`);
  }
  return `[${parts.join(" | ")}]`;
}
