import { SmolError } from "@smol/core";

/** AgentUI was configured in a way that cannot work, or its server could not start. */
export class AgentUIError extends SmolError {
  static override readonly errorName: string = "AgentUIError";
}

/**
 * A request the page (or anyone) sent was refused. `statusCode` is the HTTP status the server
 * answers with; the message is shown to the user as is, so it says what to do.
 */
export class AgentUIRequestError extends AgentUIError {
  static override readonly errorName: string = "AgentUIRequestError";
  constructor(
    message: string,
    readonly statusCode: number,
    /** A stable word the page can act on (`unknown-session`, `busy`, …). */
    readonly code = "bad-request",
  ) {
    super(message);
  }
}
