import { SmolError } from "@smol/core";

/**
 * A tool was built with options that cannot work: an unknown search engine, a missing API key,
 * a bad limit. Thrown when the tool is created, so the mistake shows before any agent runs.
 */
export class ToolConfigurationError extends SmolError {
  static override readonly errorName: string = "ToolConfigurationError";
}

/** An MCP server could not be reached, or refused to start a session. */
export class McpConnectionError extends SmolError {
  static override readonly errorName: string = "McpConnectionError";
}

/**
 * A tool could not get ready: its model could not be loaded (offline and not cached, …). The
 * message says what is missing and how to provide it.
 */
export class ToolSetupError extends SmolError {
  static override readonly errorName: string = "ToolSetupError";
}
