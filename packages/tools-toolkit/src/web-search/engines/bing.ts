import { DOMParser } from "linkedom";
import { cleanResults, type SearchEngine, SearchRefusedError, withQuery } from "../search-engine.js";

/** Bing's RSS feed of a search (`www.bing.com/search?format=rss&q=…`): no key, one page of results. */
export const bingEngine: SearchEngine = {
  label: "Bing",
  defaultEndpoint: "https://www.bing.com/search",
  buildRequest({ query }, { endpoint, userAgent }) {
    return {
      url: withQuery(endpoint, { format: "rss", q: query }),
      init: {
        method: "GET",
        headers: { "user-agent": userAgent, accept: "application/rss+xml, application/xml, text/xml" },
      },
    };
  },
  parseResults(body) {
    if (!/<rss[\s>]/.test(body)) {
      throw new SearchRefusedError(
        "Bing did not answer with its RSS feed (it may have shown a consent or bot-check page)",
      );
    }
    const document = new DOMParser().parseFromString(body, "text/xml");
    return cleanResults(
      [...document.querySelectorAll("item")].map((item) => ({
        title: item.querySelector("title")?.textContent ?? "",
        link: item.querySelector("link")?.textContent ?? "",
        snippet: item.querySelector("description")?.textContent ?? "",
      })),
    );
  },
};
