import {
  cleanResults,
  googleYearFilter,
  parseJson,
  parseJsonObject,
  type SearchEngine,
} from "../search-engine.js";

/** Serper, Google results as JSON (`POST /search`, key in `X-API-KEY`): results under `organic`. */
export const serperEngine: SearchEngine = {
  label: "Serper (Google)",
  defaultEndpoint: "https://google.serper.dev/search",
  apiKeyVariable: "SERPER_API_KEY",
  buildRequest({ query, maxResults, year }, { endpoint, apiKey }) {
    const body: Record<string, unknown> = { q: query, num: Math.min(maxResults, 100) };
    if (year !== undefined) body.tbs = googleYearFilter(year);
    return {
      url: endpoint,
      init: {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": apiKey ?? "" },
        body: JSON.stringify(body),
      },
    };
  },
  parseResults(body) {
    const json = parseJsonObject(body, "Serper");
    const organic: Record<string, unknown>[] = Array.isArray(json.organic) ? json.organic : [];
    return cleanResults(organic.map(({ title, link, snippet, date }) => ({ title, link, snippet, date })));
  },
  errorDetail(body) {
    const message = parseJson(body)?.message;
    return typeof message === "string" ? message : undefined;
  },
};
