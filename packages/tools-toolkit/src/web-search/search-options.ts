import { ToolConfigurationError } from "../errors.js";
import type { FetchFunction } from "../http/fetch.js";
import { RateLimiter } from "../http/rate-limiter.js";
import { SEARCH_ENGINES, type SearchEngineName } from "./engines/index.js";
import type { SearchSettings } from "./run-search.js";

/** Options every search tool takes. */
export interface SearchToolOptions {
  /** Most results returned; default 10. Every engine honours it. */
  maxResults?: number;
  /** The engine's API key; default the environment variable the engine names (e.g. `BRAVE_API_KEY`). */
  apiKey?: string;
  /** Where searches go instead of the engine's own URL (a proxy, a test server). */
  endpoint?: string;
  /** The `fetch` to use; default the global one. */
  fetch?: FetchFunction;
  /** Longest wait for one search, in seconds; default 20. */
  timeoutSeconds?: number;
  /**
   * Shortest time between two searches on the same engine, in seconds, shared by every tool of
   * the process; default 1. `0` turns it off.
   */
  minIntervalSeconds?: number;
  /** The `User-Agent` of the keyless engines (DuckDuckGo, Bing). */
  userAgent?: string;
}

/** Checks the options and turns them into the settings of `runSearch`; throws `ToolConfigurationError`. */
export function searchSettings(
  engineName: SearchEngineName,
  options: SearchToolOptions,
): SearchSettings & { maxResults: number } {
  const engine = SEARCH_ENGINES[engineName];
  if (!engine) {
    throw new ToolConfigurationError(
      `Unknown search engine ${JSON.stringify(engineName)}; use one of: ${Object.keys(SEARCH_ENGINES).join(", ")}.`,
    );
  }
  const maxResults = options.maxResults ?? 10;
  if (!Number.isInteger(maxResults) || maxResults < 1) {
    throw new ToolConfigurationError(`maxResults must be a whole number, at least 1; got ${maxResults}.`);
  }
  const timeoutSeconds = options.timeoutSeconds ?? 20;
  if (!(timeoutSeconds > 0))
    throw new ToolConfigurationError(`timeoutSeconds must be positive; got ${timeoutSeconds}.`);
  const minIntervalSeconds = options.minIntervalSeconds ?? 1;
  if (!(minIntervalSeconds >= 0)) {
    throw new ToolConfigurationError(`minIntervalSeconds must be 0 or more; got ${minIntervalSeconds}.`);
  }
  const variable = engine.apiKeyVariable;
  const apiKey = options.apiKey ?? (variable ? process.env[variable] : undefined);
  if (variable && !apiKey) {
    throw new ToolConfigurationError(
      `The ${engine.label} search engine needs an API key: set the ${variable} environment variable, or pass { apiKey }.`,
    );
  }
  const endpoint = options.endpoint ?? engine.defaultEndpoint;
  return {
    engine,
    endpoint,
    apiKey,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    timeoutSeconds,
    userAgent: options.userAgent,
    rateLimiter: new RateLimiter(`${engineName} ${new URL(endpoint).host}`, minIntervalSeconds),
    maxResults,
  };
}
