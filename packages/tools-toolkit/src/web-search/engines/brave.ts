import { cleanResults, parseJson, parseJsonObject, type SearchEngine, withQuery } from "../search-engine.js";

/** Brave asks for at most 20 results per request. */
const BRAVE_MAX_COUNT = 20;

/** Brave Search API (`GET /res/v1/web/search`, key in `X-Subscription-Token`): results under `web.results`. */
export const braveEngine: SearchEngine = {
  label: "Brave",
  defaultEndpoint: "https://api.search.brave.com/res/v1/web/search",
  apiKeyVariable: "BRAVE_API_KEY",
  buildRequest({ query, maxResults }, { endpoint, apiKey }) {
    return {
      url: withQuery(endpoint, { q: query, count: Math.min(maxResults, BRAVE_MAX_COUNT) }),
      init: { method: "GET", headers: { accept: "application/json", "x-subscription-token": apiKey ?? "" } },
    };
  },
  parseResults(body) {
    const json = parseJsonObject(body, "Brave");
    const results: Record<string, unknown>[] = Array.isArray(json.web?.results) ? json.web.results : [];
    return cleanResults(
      results.map((result) => ({
        title: result.title,
        link: result.url,
        snippet: result.description,
        date: result.age,
      })),
    );
  },
  errorDetail(body) {
    const error = parseJson(body)?.error;
    return typeof error?.detail === "string" ? error.detail : undefined;
  },
};
