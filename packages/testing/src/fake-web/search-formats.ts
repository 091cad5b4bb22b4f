/**
 * Each search engine's answer, in the shape the real engine sends it: DuckDuckGo's HTML results
 * page, Bing's RSS feed and the JSON of the Brave, Serper, SerpApi and Exa APIs. Only the parts a
 * client reads are filled with meaning; the rest is there so that a parser meets what it will
 * meet in production (ads, extra fields, markup inside snippets).
 */

/** One search result of the fake index. */
export interface FakeSearchResult {
  title: string;
  link: string;
  snippet: string;
  /** e.g. "Mar 3, 2024"; the Google APIs send one for some results. */
  date?: string;
}

/** The engines the fake web server imitates. */
export const FAKE_SEARCH_ENGINES = ["duckduckgo", "bing", "brave", "serper", "serpapi", "exa"] as const;
export type FakeSearchEngine = (typeof FAKE_SEARCH_ENGINES)[number];

/** How many results one page of each engine holds when the client cannot ask for a number. */
export const DUCKDUCKGO_PAGE_SIZE = 10;

export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#x27;");
}

/** Wraps the query's words in `<b>` inside a snippet, as the engines highlight them. */
function highlight(snippet: string, query: string): string {
  const words = query
    .split(/\s+/)
    .filter((word) => word.length > 3)
    .map((word) => word.replace(/[^\p{L}\p{N}]/gu, ""))
    .filter((word) => word !== "");
  let html = escapeHtml(snippet);
  for (const word of words) html = html.replace(new RegExp(`(${word})`, "giu"), "<b>$1</b>");
  return html;
}

function duckDuckGoRedirect(link: string): string {
  return `//duckduckgo.com/l/?uddg=${encodeURIComponent(link)}&amp;rut=${"f".repeat(16)}`;
}

function duckDuckGoResult(result: FakeSearchResult, query: string): string {
  const redirect = duckDuckGoRedirect(result.link);
  const host = new URL(result.link).host;
  return `
<div class="result results_links results_links_deep web-result ">
  <div class="links_main links_deep result__body">
    <h2 class="result__title">
      <a rel="nofollow" class="result__a" href="${redirect}">${highlight(result.title, query)}</a>
    </h2>
    <div class="result__extras">
      <div class="result__extras__url">
        <span class="result__icon"><a rel="nofollow" href="${redirect}"><img class="result__icon__img" width="16" height="16" alt="" src="//external-content.duckduckgo.com/ip3/${host}.ico" name="i15" /></a></span>
        <a class="result__url" href="${redirect}">${escapeHtml(host)}</a>
      </div>
    </div>
    <a class="result__snippet" href="${redirect}">${highlight(result.snippet, query)}</a>
    <div class="clear"></div>
  </div>
</div>`;
}

const duckDuckGoAd = `
<div class="result results_links results_links_deep result--ad ">
  <div class="links_main links_deep result__body">
    <h2 class="result__title">
      <a rel="nofollow" class="result__a" href="https://duckduckgo.com/y.js?ad_domain=shop.example&amp;ad_provider=bingv7aa&amp;u3=https%3A%2F%2Fshop.example%2Fbuy">Buy Everything Today - Sponsored</a>
    </h2>
    <a class="result__snippet" href="https://duckduckgo.com/y.js?ad_domain=shop.example">An advertisement that a search client should skip.</a>
  </div>
</div>`;

/** The page `html.duckduckgo.com/html/?q=…` returns: a form, an ad, then up to a page of results. */
export function duckDuckGoHtml(query: string, results: readonly FakeSearchResult[]): string {
  const body =
    results.length === 0
      ? `<div class="result results_links results_links_deep web-result result--no-result"><div class="no-results">No  results.</div></div>`
      : duckDuckGoAd + results.map((result) => duckDuckGoResult(result, query)).join("\n");
  return `<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html>
<head>
  <meta http-equiv="content-type" content="text/html; charset=UTF-8">
  <meta name="referrer" content="origin">
  <title>${escapeHtml(query)} at DuckDuckGo</title>
  <link rel="stylesheet" href="/dist/h.css" type="text/css">
</head>
<body>
  <div id="header" class="header cw header--html">
    <form name="x" class="header__form" action="/html/" method="post">
      <input type="text" name="q" class="search__input" value="${escapeHtml(query)}" autocomplete="off">
      <input name="b" id="search_button_homepage" class="search__button search__button--html" type="submit" value="">
    </form>
  </div>
  <div>
    <div class="serp__results">
      <div id="links" class="results">
${body}
      </div>
    </div>
  </div>
</body>
</html>`;
}

/** The bot check DuckDuckGo serves (with status 202) to clients it takes for robots. */
export function duckDuckGoAnomalyHtml(): string {
  return `<!DOCTYPE html><html><head><title>DuckDuckGo</title></head><body>
<div class="anomaly-modal__mask"><div class="anomaly-modal__modal" data-testid="anomaly-modal">
<div class="anomaly-modal__title">Unfortunately, bots use DuckDuckGo too.</div>
<div class="anomaly-modal__description">Please complete the following challenge to confirm this search was made by a human.</div>
</div></div></body></html>`;
}

/** `www.bing.com/search?format=rss&q=…`: an RSS 2.0 channel with one `<item>` per result. */
export function bingRss(query: string, results: readonly FakeSearchResult[]): string {
  const items = results
    .map(
      (result) =>
        `<item><title>${escapeHtml(result.title)}</title><link>${escapeHtml(result.link)}</link><description>${escapeHtml(result.snippet)}</description><pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate></item>`,
    )
    .join("");
  return `<?xml version="1.0" encoding="utf-8" ?><rss version="2.0"><channel><title>Bing: ${escapeHtml(query)}</title><link>http://www.bing.com:80/search?format=rss&amp;q=${encodeURIComponent(query)}</link><description>Search results</description><image><url>http://www.bing.com:80/s/a/rsslogo.gif</url><title>Bing</title><link>http://www.bing.com:80/search?format=rss&amp;q=${encodeURIComponent(query)}</link></image><copyright>Copyright © 2024 Microsoft. All rights reserved.</copyright>${items}</channel></rss>`;
}

/** Brave's `GET /res/v1/web/search`: results under `web.results`, descriptions with `<strong>`. */
export function braveJson(query: string, results: readonly FakeSearchResult[]): Record<string, unknown> {
  const body: Record<string, unknown> = {
    type: "search",
    query: {
      original: query,
      show_strict_warning: false,
      is_navigational: false,
      spellcheck_off: true,
      country: "us",
    },
    mixed: {
      type: "mixed",
      main: results.map((_, index) => ({ type: "web", index, all: false })),
      top: [],
      side: [],
    },
  };
  if (results.length > 0) {
    body.web = {
      type: "search",
      family_friendly: true,
      results: results.map((result) => ({
        type: "search_result",
        subtype: "generic",
        title: result.title,
        url: result.link,
        is_source_local: false,
        is_source_both: false,
        description: highlight(result.snippet, query)
          .replaceAll("<b>", "<strong>")
          .replaceAll("</b>", "</strong>"),
        page_age: "2024-03-05T10:00:00",
        profile: { name: new URL(result.link).host, url: result.link, long_name: new URL(result.link).host },
        language: "en",
        family_friendly: true,
        meta_url: { scheme: "https", netloc: new URL(result.link).host, path: new URL(result.link).pathname },
        ...(result.date ? { age: result.date } : {}),
      })),
    };
  }
  return body;
}

/** Serper's `POST /search`: Google's organic results under `organic`. */
export function serperJson(
  query: string,
  results: readonly FakeSearchResult[],
  num: number,
): Record<string, unknown> {
  return {
    searchParameters: { q: query, type: "search", num, engine: "google" },
    organic: results.map((result, index) => ({
      title: result.title,
      link: result.link,
      snippet: result.snippet,
      ...(result.date ? { date: result.date } : {}),
      position: index + 1,
    })),
    relatedSearches: [{ query: `${query} meaning` }],
    credits: 1,
  };
}

/**
 * SerpApi's `GET /search.json?engine=google`: results under `organic_results`; when Google finds
 * nothing it answers 200 with an `error` field instead.
 */
export function serpApiJson(query: string, results: readonly FakeSearchResult[]): Record<string, unknown> {
  const metadata = {
    id: "65e6f0b1c0ffee",
    status: "Success",
    json_endpoint: "https://serpapi.com/searches/x.json",
  };
  const parameters = { engine: "google", q: query, google_domain: "google.com", device: "desktop" };
  if (results.length === 0) {
    return {
      search_metadata: metadata,
      search_parameters: parameters,
      search_information: { organic_results_state: "Fully empty" },
      error: "Google hasn't returned any results for this query.",
    };
  }
  return {
    search_metadata: metadata,
    search_parameters: parameters,
    search_information: {
      organic_results_state: "Results for exact spelling",
      total_results: results.length,
    },
    organic_results: results.map((result, index) => ({
      position: index + 1,
      title: result.title,
      link: result.link,
      redirect_link: `https://www.google.com/url?q=${encodeURIComponent(result.link)}`,
      displayed_link: new URL(result.link).host,
      snippet: result.snippet,
      ...(result.date ? { date: result.date } : {}),
      source: new URL(result.link).host,
    })),
  };
}

/** Exa's `POST /search`: `results` with the page text when `contents.text` was asked for. */
export function exaJson(results: readonly FakeSearchResult[], withText: boolean): Record<string, unknown> {
  return {
    requestId: "b5947044c4b78efa9552a7c89b306d95",
    resolvedSearchType: "neural",
    results: results.map((result, index) => ({
      id: result.link,
      title: result.title,
      url: result.link,
      publishedDate: "2024-03-05T00:00:00.000Z",
      author: null,
      score: 0.9 - index * 0.01,
      ...(withText ? { text: `${result.snippet}\n\nMore of the page follows here.` } : {}),
    })),
    costDollars: { total: 0.005 },
  };
}
