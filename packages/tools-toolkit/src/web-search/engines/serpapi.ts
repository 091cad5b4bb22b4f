import {
  cleanResults,
  googleYearFilter,
  parseJson,
  parseJsonObject,
  type SearchEngine,
  SearchRefusedError,
  withQuery,
} from "../search-engine.js";

/**
 * SerpApi's Google engine (`GET /search.json?engine=google`, key in `api_key`): results under
 * `organic_results`. An empty search is a 200 with an `error` field, read as no results.
 */
export const serpApiEngine: SearchEngine = {
  label: "SerpApi (Google)",
  defaultEndpoint: "https://serpapi.com/search.json",
  apiKeyVariable: "SERPAPI_API_KEY",
  buildRequest({ query, maxResults, year }, { endpoint, apiKey }) {
    return {
      url: withQuery(endpoint, {
        engine: "google",
        q: query,
        api_key: apiKey,
        google_domain: "google.com",
        num: Math.min(maxResults, 100),
        tbs: year === undefined ? undefined : googleYearFilter(year),
      }),
      init: { method: "GET", headers: { accept: "application/json" } },
    };
  },
  parseResults(body) {
    const json = parseJsonObject(body, "SerpApi");
    const organic: Record<string, unknown>[] = Array.isArray(json.organic_results)
      ? json.organic_results
      : [];
    if (organic.length === 0 && typeof json.error === "string") {
      if (/hasn't returned any results/i.test(json.error)) return [];
      throw new SearchRefusedError(`SerpApi said: ${json.error}`);
    }
    return cleanResults(organic.map(({ title, link, snippet, date }) => ({ title, link, snippet, date })));
  },
  errorDetail(body) {
    const error = parseJson(body)?.error;
    return typeof error === "string" ? error : undefined;
  },
};
