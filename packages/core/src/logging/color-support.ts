/** What `shouldUseColor` looks at on a stream: only whether it is a terminal. */
export type MaybeTerminal = NodeJS.WritableStream | { isTTY?: boolean };

/**
 * Decides whether output to `stream` should carry ANSI colours.
 *
 * `FORCE_COLOR` wins when set (as in Node itself): `0` or `false` turns colour off, anything
 * else turns it on. Otherwise colour is off when `NO_COLOR` is set to a non-empty value
 * (no-color.org), when `TERM=dumb`, or when the stream is not a terminal (a pipe, a file, CI logs).
 *
 * @example
 * shouldUseColor(process.stdout); // true in an interactive terminal
 * shouldUseColor(process.stdout, { NO_COLOR: "1" }); // false
 */
export function shouldUseColor(
  stream: MaybeTerminal | undefined = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const forceColor = env.FORCE_COLOR;
  if (forceColor !== undefined) return forceColor !== "0" && forceColor.toLowerCase() !== "false";
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return (stream as { isTTY?: boolean } | undefined)?.isTTY === true;
}
