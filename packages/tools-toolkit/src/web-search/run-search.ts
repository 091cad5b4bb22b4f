import {
  DEFAULT_USER_AGENT,
  describeRequestError,
  type FetchFunction,
  fetchRetryingReset,
  isCallerAbort,
  readBodyText,
  withTimeout,
} from "../http/fetch.js";
import type { RateLimiter } from "../http/rate-limiter.js";
import { formatResults } from "./format-results.js";
import { type SearchEngine, type SearchQuery, SearchRefusedError } from "./search-engine.js";

/** Largest answer read from an engine: results pages are far smaller. */
const MAX_ANSWER_BYTES = 5 * 1024 * 1024;

/** Everything one search needs besides the query. */
export interface SearchSettings {
  engine: SearchEngine;
  endpoint: string;
  apiKey: string | undefined;
  fetch: FetchFunction;
  timeoutSeconds: number;
  userAgent: string | undefined;
  rateLimiter: RateLimiter;
}

/**
 * Runs one search and returns what the model reads: the results as a Markdown list, or a
 * sentence saying there were none or why the search failed (a timeout, an HTTP error, a bot
 * check). Only the caller's abort is thrown: a failed search is an observation, and the model
 * can try another query or another tool.
 */
export async function runSearch(
  search: SearchQuery,
  settings: SearchSettings,
  signal?: AbortSignal,
): Promise<string> {
  const { engine } = settings;
  const request = engine.buildRequest(search, {
    endpoint: settings.endpoint,
    apiKey: settings.apiKey,
    userAgent: settings.userAgent ?? DEFAULT_USER_AGENT,
  });
  await settings.rateLimiter.wait(signal);
  let answer: { status: number; ok: boolean; body: string };
  try {
    answer = await withTimeout(settings.timeoutSeconds, signal, async (timeoutSignal) => {
      const response = await fetchRetryingReset(settings.fetch, request.url, {
        ...request.init,
        signal: timeoutSignal,
      });
      const { text } = await readBodyText(response, MAX_ANSWER_BYTES);
      return { status: response.status, ok: response.ok, body: text };
    });
  } catch (error) {
    if (isCallerAbort(error, signal)) throw error;
    return `The ${engine.label} search for "${search.query}" failed: ${describeRequestError(error)}. Try again in a moment, or with another query.`;
  }
  if (!answer.ok) return httpFailure(search.query, settings, answer.status, answer.body);

  let results: ReturnType<SearchEngine["parseResults"]>;
  try {
    results = engine.parseResults(answer.body);
  } catch (error) {
    const reason =
      error instanceof SearchRefusedError ? error.message : `its answer could not be read (${String(error)})`;
    return `The ${engine.label} search for "${search.query}" gave no results: ${reason}. Try again later, or use another search engine.`;
  }
  const kept = results.slice(0, search.maxResults);
  if (kept.length === 0) {
    const year = search.year === undefined ? "" : ` in ${search.year}`;
    const hint =
      search.year === undefined ? "a shorter or differently worded query" : "another year or no year filter";
    return `No results found for "${search.query}"${year}. Try ${hint}.`;
  }
  return formatResults(kept);
}

function httpFailure(query: string, settings: SearchSettings, status: number, body: string): string {
  const { engine } = settings;
  const detail = engine.errorDetail?.(body);
  const said = detail ? ` (${engine.label} said: ${detail})` : "";
  let advice = "Try again in a moment, or use another search engine.";
  if (status === 429) advice = "The engine is limiting the rate of requests: wait before searching again.";
  else if (engine.apiKeyVariable && [401, 403, 422].includes(status)) {
    advice = `Check the API key (${engine.apiKeyVariable}): the engine refused it.`;
  }
  return `The ${engine.label} search for "${query}" failed with HTTP ${status}${said}. ${advice}`;
}
