import { ExecutorError } from "@smol/core";

/**
 * Turns what `@blaxel/core` threw while creating a sandbox or starting the runtime into an
 * `ExecutorError` that says what to do. The SDK throws its HTTP errors as plain objects (the
 * parsed body) or `ResponseError`s carrying `status`; both are read here.
 */
export function describeBlaxelStartError(error: unknown, image: string): ExecutorError {
  const status = statusOf(error);
  const detail = detailOf(error);
  if (status === 401 || /unauthori[sz]ed|invalid api key/i.test(detail)) {
    return new ExecutorError(
      `BlaxelExecutor: Blaxel refused the API key (${detail}). Check \`apiKey\` or BL_API_KEY: create a key in the Blaxel console under Profile > API keys.`,
      { cause: error },
    );
  }
  if (status === 403 || /forbidden/i.test(detail)) {
    return new ExecutorError(
      `BlaxelExecutor: the API key has no access to the workspace (${detail}). Check \`workspace\` or BL_WORKSPACE.`,
      { cause: error },
    );
  }
  if (status === 429 || /quota|rate limit|too many/i.test(detail)) {
    return new ExecutorError(
      `BlaxelExecutor: Blaxel refused a new sandbox: quota or rate limit reached (${detail}). Clean up executors you no longer use (\`await executor.cleanup()\`), delete idle sandboxes, wait, or raise the workspace's quota.`,
      { cause: error },
    );
  }
  return new ExecutorError(
    `BlaxelExecutor: could not create the Blaxel sandbox (image "${image}"): ${detail}`,
    {
      cause: error,
    },
  );
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const record = error as { status?: unknown; code?: unknown; response?: { status?: unknown } };
  for (const value of [record.status, record.code, record.response?.status]) {
    if (typeof value === "number") return value;
  }
  return undefined;
}

function detailOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "object" && error !== null) {
    const record = error as { error?: unknown; message?: unknown };
    if (typeof record.error === "string") return record.error;
    if (typeof record.message === "string") return record.message;
    return JSON.stringify(error);
  }
  return String(error);
}
