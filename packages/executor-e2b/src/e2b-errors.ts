import { ExecutorError } from "@smol/core";

/**
 * Turns what the e2b SDK threw while creating a sandbox or starting the runtime into an
 * `ExecutorError` that says what to do. The SDK's error classes are told apart by `name`, so
 * that this works with a second copy of the SDK too.
 */
export function describeE2BStartError(error: unknown, template: string): ExecutorError {
  const name = error instanceof Error ? error.name : "";
  const message = error instanceof Error ? error.message : String(error);
  if (name === "AuthenticationError" || /\b401\b/.test(message)) {
    return new ExecutorError(
      `E2BExecutor: E2B refused the API key (${message}). Check \`apiKey\` or E2B_API_KEY: create a key at https://e2b.dev/dashboard?tab=keys.`,
      { cause: error },
    );
  }
  if (name === "RateLimitError" || /\b429\b/.test(message)) {
    return new ExecutorError(
      `E2BExecutor: E2B rate-limited the sandbox creation or the account reached its limit of concurrent sandboxes (${message}). Clean up executors you no longer use (\`await executor.cleanup()\`), wait, or raise the limit of your plan.`,
      { cause: error },
    );
  }
  if (name === "NotFoundError" || /template.*not found|not found.*template/i.test(message)) {
    return new ExecutorError(
      `E2BExecutor: E2B could not find the template "${template}" (${message}). Check \`template\`: it must be a template of your team that has python3.`,
      { cause: error },
    );
  }
  return new ExecutorError(
    `E2BExecutor: could not start the E2B sandbox (template "${template}"): ${message}`,
    {
      cause: error,
    },
  );
}
