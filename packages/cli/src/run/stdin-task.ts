import { CliUsageError } from "../errors.js";

/** Longest task read from stdin: a task, not a data set (point the agent at a file for that). */
export const MAX_STDIN_TASK_BYTES = 1024 * 1024;

/**
 * The task piped on stdin (`echo "What is 2**10?" | smolagent`), trimmed. Undefined when stdin
 * is a terminal (the interactive mode asks there) or when nothing but blanks came.
 *
 * @example
 * const task = commandLine.prompt ?? (await taskFromStdin(process.stdin));
 */
export async function taskFromStdin(
  stdin: NodeJS.ReadableStream & { isTTY?: boolean },
): Promise<string | undefined> {
  if (stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > MAX_STDIN_TASK_BYTES) {
      throw new CliUsageError(
        `The task piped on stdin is longer than ${MAX_STDIN_TASK_BYTES / 1024 / 1024} MiB: put the data in a file and name the file in the task.`,
      );
    }
    chunks.push(bytes);
  }
  const task = Buffer.concat(chunks).toString("utf8").trim();
  return task === "" ? undefined : task;
}
