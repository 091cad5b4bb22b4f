/**
 * What the server streams to the page, one JSON object per SSE `data:` line. The server turns
 * agent events into these so that the page only draws: it never has to understand an agent.
 */
import type { MediaView } from "./media.js";
import type { CodeToken } from "./python-highlighter.js";

/** Shown under each step: how long it took and what it cost. */
export interface StepFooter {
  durationSeconds?: number;
  inputTokens?: number;
  outputTokens?: number;
}

export interface ErrorView {
  name: string;
  message: string;
}

export type RunEndStatus = "done" | "stopped" | "failed";

export type ViewEvent =
  /** Model text as it streams; `step` is the step it will most likely belong to. */
  | { kind: "delta"; step: number; text: string }
  /** `html`: the plan's Markdown as sanitized HTML (see markdown.ts). */
  | { kind: "plan"; text: string; html?: string; footer: StepFooter }
  /** ToolCallingAgent: a tool call with its arguments; CodeAgent: the code it runs. */
  | { kind: "tool-call"; step: number; id: string; name: string; arguments?: string; code?: CodeToken[] }
  | {
      kind: "tool-output";
      step: number;
      id: string;
      name: string;
      text: string;
      /** Set when the output reads as Markdown: it as sanitized HTML. */
      html?: string;
      media: MediaView[];
    }
  | {
      kind: "step";
      step: number;
      /** What the model wrote, code blocks removed (the code is shown highlighted instead). */
      thought: string;
      /** The thought's Markdown as sanitized HTML, when there is a thought. */
      thoughtHtml?: string;
      /** Set when no `tool-call` showed the code already. */
      code?: CodeToken[];
      logs?: string;
      error?: ErrorView;
      /** Ids of this step's tool calls that failed; their outputs (already shown) are the errors. */
      failedToolCalls: string[];
      media: MediaView[];
      footer: StepFooter;
      isFinalAnswer: boolean;
    }
  /** `html`: a text answer's Markdown as sanitized HTML. */
  | { kind: "final-answer"; text?: string; html?: string; media: MediaView[] }
  | { kind: "run-end"; status: RunEndStatus; message: string };
