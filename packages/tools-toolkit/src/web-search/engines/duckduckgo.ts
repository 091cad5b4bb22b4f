import { parseHTML } from "linkedom";
import {
  cleanResult,
  type SearchEngine,
  SearchRefusedError,
  type SearchResult,
  withQuery,
} from "../search-engine.js";

/**
 * DuckDuckGo's HTML results page (`html.duckduckgo.com/html/?q=…`): no key, one page of about ten
 * results. Links go through a `duckduckgo.com/l/?uddg=<target>` redirect, unwrapped here; ads
 * (`result--ad`) are skipped.
 */
export const duckDuckGoEngine: SearchEngine = {
  label: "DuckDuckGo",
  defaultEndpoint: "https://html.duckduckgo.com/html/",
  buildRequest({ query }, { endpoint, userAgent }) {
    return {
      url: withQuery(endpoint, { q: query }),
      init: { method: "GET", headers: { "user-agent": userAgent, accept: "text/html" } },
    };
  },
  parseResults(body) {
    // DuckDuckGo shows robots a challenge page instead of results.
    if (body.includes("anomaly-modal")) {
      throw new SearchRefusedError(
        "DuckDuckGo answered with its bot check instead of results (it does this to automated clients, more so after many searches)",
      );
    }
    const { document } = parseHTML(body);
    const results: SearchResult[] = [];
    for (const node of Array.from(document.querySelectorAll("div.result"))) {
      if (node.classList.contains("result--ad")) continue;
      const anchor = node.querySelector("a.result__a");
      const link = unwrapDuckDuckGoLink(anchor?.getAttribute("href"));
      if (!anchor || !link) continue;
      const result = cleanResult({
        title: anchor.textContent ?? "",
        link,
        snippet: node.querySelector(".result__snippet")?.textContent ?? "",
      });
      if (result) results.push(result);
    }
    return results;
  },
};

/** The target of a DuckDuckGo redirect link; undefined for ads and links that lead nowhere. */
export function unwrapDuckDuckGoLink(href: string | null | undefined): string | undefined {
  if (!href) return undefined;
  let url: URL;
  try {
    url = new URL(href, "https://duckduckgo.com/");
  } catch {
    return undefined;
  }
  const target = url.searchParams.get("uddg");
  if (url.hostname.endsWith("duckduckgo.com")) {
    // `/y.js` links are ads; any other DuckDuckGo link without a target is navigation.
    if (url.pathname === "/y.js" || !target) return undefined;
    return target;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url.toString() : undefined;
}
