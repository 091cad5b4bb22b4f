import type { CommandHandle } from "e2b";

/**
 * The SDK's `CommandHandle` keeps a copy of all the output in memory (for the result of
 * `wait()`). The runtime lives as long as the executor and its output is the whole protocol, so
 * that copy would grow without bound: drop it as output arrives. Guarded, so that an SDK version
 * without these fields is left alone.
 */
export function forgetBufferedOutput(handle: CommandHandle): void {
  const fields = handle as unknown as { _stdout?: unknown; _stderr?: unknown };
  if (typeof fields._stdout === "string") fields._stdout = "";
  if (typeof fields._stderr === "string") fields._stderr = "";
}
