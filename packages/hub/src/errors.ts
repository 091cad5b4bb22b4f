import { SmolError } from "@smol/core";

/**
 * Loading a tool or an agent would run code from a folder or a Hub repo, and the caller did not
 * pass `trustRemoteCode: true`.
 */
export class UntrustedCodeError extends SmolError {
  static override readonly errorName: string = "UntrustedCodeError";
}

/** A tool, agent folder or Hub repo cannot be saved or loaded (not serializable, malformed, missing). */
export class SerializationError extends SmolError {
  static override readonly errorName: string = "SerializationError";
}
