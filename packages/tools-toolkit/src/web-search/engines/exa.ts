import { cleanResults, parseJson, parseJsonObject, type SearchEngine } from "../search-engine.js";

/** Characters of each page's text asked for: enough for a snippet. */
const SNIPPET_CHARACTERS = 400;

/** Exa (`POST /search`, key in `x-api-key`): `results` with each page's text when asked for it. */
export const exaEngine: SearchEngine = {
  label: "Exa",
  defaultEndpoint: "https://api.exa.ai/search",
  apiKeyVariable: "EXA_API_KEY",
  buildRequest({ query, maxResults }, { endpoint, apiKey }) {
    return {
      url: endpoint,
      init: {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": apiKey ?? "" },
        body: JSON.stringify({
          query,
          numResults: Math.min(maxResults, 100),
          contents: { text: { maxCharacters: SNIPPET_CHARACTERS } },
        }),
      },
    };
  },
  parseResults(body) {
    const json = parseJsonObject(body, "Exa");
    const results: Record<string, unknown>[] = Array.isArray(json.results) ? json.results : [];
    return cleanResults(
      results.map((result) => ({
        title: result.title,
        link: result.url,
        snippet: firstOf(result.highlights) ?? result.summary ?? result.text,
        date: typeof result.publishedDate === "string" ? result.publishedDate.slice(0, 10) : undefined,
      })),
    );
  },
  errorDetail(body) {
    const error = parseJson(body)?.error;
    return typeof error === "string" ? error : undefined;
  },
};

function firstOf(value: unknown): unknown {
  return Array.isArray(value) && value.length > 0 ? value[0] : undefined;
}
