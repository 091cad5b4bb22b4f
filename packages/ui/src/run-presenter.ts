/**
 * Turns the events of one agent run into what the page draws (`ViewEvent`s). It keeps a little
 * state per run: the step in progress, and what of it was already shown, so that nothing is
 * drawn twice (code shown at its tool call, observations shown as tool outputs).
 */
import {
  type ActionStep,
  type AgentEvent,
  AgentInterruptedError,
  formatValueForDisplay,
  messageText,
  type PlanningStep,
  type TokenUsage,
  truncateForDisplay,
} from "@smol/core";
import { looksLikeMarkdown, markdownToHtml } from "./markdown.js";
import { isInlineable, type MediaView, toMediaView } from "./media.js";
import { highlightPython } from "./python-highlighter.js";
import type { ErrorView, StepFooter, ViewEvent } from "./view-events.js";

const codeInterpreterName = "python_interpreter";

function footerOf(timing: { duration?: number } | undefined, usage: TokenUsage | undefined): StepFooter {
  const footer: StepFooter = {};
  if (timing?.duration !== undefined) footer.durationSeconds = timing.duration;
  if (usage) {
    footer.inputTokens = usage.inputTokens;
    footer.outputTokens = usage.outputTokens;
  }
  return footer;
}

function errorView(error: unknown): ErrorView {
  if (error instanceof Error) return { name: error.name, message: truncateForDisplay(error.message) };
  return { name: "Error", message: truncateForDisplay(formatValueForDisplay(error)) };
}

/** The model's text without its code blocks, which the page shows highlighted on their own. */
export function thoughtWithoutCode(modelOutput: string): string {
  return modelOutput
    .replace(/<code>[\s\S]*?(?:<\/code>|$)/g, "")
    .replace(/```(?:py|python)?[ \t]*\n[\s\S]*?(?:```|$)/g, "")
    .replace(/<end_code>/g, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** Arguments as the page shows them: indented JSON, or the raw text the model wrote. */
export function formatArguments(value: unknown): string {
  if (typeof value === "string") return truncateForDisplay(value);
  try {
    return truncateForDisplay(JSON.stringify(value, null, 2) ?? String(value));
  } catch {
    return truncateForDisplay(formatValueForDisplay(value));
  }
}

/** The code of a tool call, when the call runs Python. */
function codeOf(name: string, argumentsValue: unknown): string | undefined {
  if (name !== codeInterpreterName) return undefined;
  if (typeof argumentsValue === "string") return argumentsValue;
  const code = (argumentsValue as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function mediaOf(values: readonly unknown[]): { media: MediaView[]; dropped: number } {
  const media: MediaView[] = [];
  let dropped = 0;
  for (const value of values) {
    const view = toMediaView(value);
    if (!view) continue;
    if (isInlineable(view)) media.push(view);
    else dropped += 1;
  }
  return { media, dropped };
}

const logsHeading = "Execution logs:\n";
const lastOutputHeading = "Last output from code snippet:";

/**
 * A step's observations as the page shows them under its own "Execution logs" label. In a final
 * answer step, the code's last value is the answer, shown on its own: only the prints remain.
 */
export function logsOf(step: Pick<ActionStep, "observations" | "isFinalAnswer">): string | undefined {
  let logs = step.observations ?? "";
  if (logs.startsWith(logsHeading)) logs = logs.slice(logsHeading.length);
  if (step.isFinalAnswer) {
    const lastOutput = logs.lastIndexOf(lastOutputHeading);
    if (lastOutput >= 0) logs = logs.slice(0, lastOutput);
  }
  return logs.trim() || undefined;
}

/** Text for an output that is not media: strings as they are, anything else readable. */
function textOf(output: unknown): string {
  return truncateForDisplay(typeof output === "string" ? output : formatValueForDisplay(output));
}

export class RunPresenter {
  /** The step the next events belong to: the agent numbers steps from 1 in each run. */
  private stepNumber = 1;
  private codeShownInStep = false;
  private toolOutputsShownInStep = false;
  /** The error the last step showed, so that a run ending with it does not show it again. */
  /** Whether the step in progress has shown anything yet. */
  private stepInProgress = false;
  private lastStepError: { error: unknown; view: ErrorView } | undefined;

  /** The view events for one agent event (often one, sometimes none). */
  present(event: AgentEvent): ViewEvent[] {
    const views = this.viewsOf(event);
    if (
      views.some((view) => view.kind === "delta" || view.kind === "tool-call" || view.kind === "tool-output")
    )
      this.stepInProgress = true;
    return views;
  }

  private viewsOf(event: AgentEvent): ViewEvent[] {
    switch (event.type) {
      case "stream-delta":
        return event.delta.content
          ? [{ kind: "delta", step: this.stepNumber, text: event.delta.content }]
          : [];
      case "planning-step":
        return [this.presentPlan(event.step)];
      case "tool-call": {
        const { id, name, arguments: argumentsValue } = event.toolCall;
        const code = codeOf(name, argumentsValue);
        if (code !== undefined) {
          this.codeShownInStep = true;
          return [{ kind: "tool-call", step: this.stepNumber, id, name, code: highlightPython(code) }];
        }
        return [
          { kind: "tool-call", step: this.stepNumber, id, name, arguments: formatArguments(argumentsValue) },
        ];
      }
      case "tool-output": {
        this.toolOutputsShownInStep = true;
        const { media, dropped } = mediaOf([event.output]);
        const text = media.length > 0 ? "" : dropped > 0 ? "(media too large to show)" : event.observation;
        const view: ViewEvent = {
          kind: "tool-output",
          step: this.stepNumber,
          id: event.id,
          name: event.toolCall.name,
          text: truncateForDisplay(text),
          media,
        };
        if (view.text && looksLikeMarkdown(view.text)) view.html = markdownToHtml(view.text);
        return [view];
      }
      case "action-output":
        // The action step that follows carries the same output, with everything else.
        return [];
      case "action-step":
        return [this.presentStep(event.step)];
      case "final-answer":
        return [this.presentFinalAnswer(event.output)];
      default:
        return [];
    }
  }

  private presentPlan(step: PlanningStep): ViewEvent {
    // The model's own plan reads better than the framed text kept for the model's memory.
    const text = truncateForDisplay(messageText(step.modelOutputMessage).trim() || step.plan);
    return { kind: "plan", text, html: markdownToHtml(text), footer: footerOf(step.timing, step.tokenUsage) };
  }

  private presentStep(step: ActionStep): ViewEvent {
    const { media, dropped } = mediaOf(step.observationsImages ?? []);
    let logs = this.toolOutputsShownInStep ? undefined : logsOf(step);
    if (dropped > 0) logs = `${logs ?? ""}\n(${dropped} image(s) too large to show)`.trim();
    // A failed tool call was already shown as that call's output: the page marks it as an error
    // rather than repeating the message.
    const failedCalls = this.toolOutputsShownInStep
      ? (step.toolResults ?? []).filter((result) => result.error)
      : [];
    const errorShown = failedCalls.some((result) => result.error === step.error);
    this.lastStepError = step.error ? { error: step.error, view: errorView(step.error) } : undefined;
    const view: ViewEvent = {
      kind: "step",
      step: step.stepNumber,
      thought: truncateForDisplay(thoughtWithoutCode(step.modelOutput ?? "")),
      logs: logs === undefined ? undefined : truncateForDisplay(logs),
      error: step.error && !errorShown ? errorView(step.error) : undefined,
      failedToolCalls: failedCalls.map((result) => result.id),
      media,
      footer: footerOf(step.timing, step.tokenUsage),
      isFinalAnswer: step.isFinalAnswer,
    };
    if (view.thought) view.thoughtHtml = markdownToHtml(view.thought);
    if (!this.codeShownInStep && step.codeAction) view.code = highlightPython(step.codeAction);
    this.stepNumber = step.stepNumber + 1;
    this.codeShownInStep = false;
    this.toolOutputsShownInStep = false;
    this.stepInProgress = false;
    return view;
  }

  private presentFinalAnswer(output: unknown): ViewEvent {
    const { media, dropped } = mediaOf([output]);
    if (media.length > 0) return { kind: "final-answer", media };
    if (dropped > 0) return { kind: "final-answer", text: "(media too large to show)", media: [] };
    const text = textOf(output);
    // A text answer is the model's prose: Markdown. Other values keep their printed layout.
    if (typeof output === "string")
      return { kind: "final-answer", text, html: markdownToHtml(text), media: [] };
    return { kind: "final-answer", text, media: [] };
  }

  /** The last event of a run: how it ended, in words for the user. */
  end(error?: unknown): ViewEvent {
    const lastStep = this.stepNumber - 1;
    if (error === undefined) return { kind: "run-end", status: "done", message: "Done." };
    if (AgentInterruptedError.isInstance(error)) {
      // Stop aborts the call in flight, so a run may stop in the middle of a step.
      const where = this.stepInProgress
        ? `during step ${this.stepNumber}`
        : lastStep > 0
          ? `at the end of step ${lastStep}`
          : "before its first step";
      return { kind: "run-end", status: "stopped", message: `Stopped ${where}, as you asked.` };
    }
    const { name, message } = errorView(error);
    // The step that failed already shows this error in full: say so rather than draw it twice.
    const shown = this.lastStepError;
    if (shown && (shown.error === error || (shown.view.name === name && shown.view.message === message))) {
      return {
        kind: "run-end",
        status: "failed",
        message: `The run failed at step ${lastStep} (the error is shown above).`,
      };
    }
    return { kind: "run-end", status: "failed", message: `The run failed: ${name}: ${message}` };
  }
}
