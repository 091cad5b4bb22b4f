/**
 * @smol/ui: a chat web page for a smol agent, served on this machine.
 *
 * @example
 * import { AgentUI } from "@smol/ui";
 * const ui = await new AgentUI(agent).launch();
 */
export {
  AgentUI,
  type AgentUIOptions,
  GradioUI,
  type LaunchedAgentUI,
  type LaunchOptions,
} from "./agent-ui.js";
export type { AgentFactory, ChatAgent, ChatRunOptions, ChatSession } from "./chat-agent.js";
export { AgentUIError, AgentUIRequestError } from "./errors.js";
export type { MediaView } from "./media.js";
export { type CodeToken, type CodeTokenKind, highlightPython } from "./python-highlighter.js";
export { RunPresenter } from "./run-presenter.js";
export type { HistoryEntry, SessionMode } from "./sessions.js";
export type { ErrorView, RunEndStatus, StepFooter, ViewEvent } from "./view-events.js";
