/**
 * The answers of MediaWiki's `/w/api.php` (`action=query`, `formatversion=2`) for the two queries
 * a Wikipedia client makes: page extracts by title (`prop=extracts|info`, with `exintro`,
 * `explaintext`, `redirects`) and a full-text search (`list=search`).
 */

/** One article of a fake Wikipedia. */
export interface FakeWikipediaArticle {
  title: string;
  /** The lead section, as plain text. */
  intro: string;
  /** The sections after the lead, as plain text with `== Heading ==` lines (what `explaintext` gives). */
  body: string;
  /** Other titles that redirect here. */
  redirects?: string[];
}

/** Articles by language code. */
export type FakeWikipedia = Record<string, FakeWikipediaArticle[]>;

export const DEFAULT_FAKE_WIKIPEDIA: FakeWikipedia = {
  en: [
    {
      title: "Python (programming language)",
      intro:
        "Python is a high-level, general-purpose programming language. Its design philosophy emphasizes code readability with the use of significant indentation.",
      body: "== History ==\nPython was conceived in the late 1980s by Guido van Rossum.\n\n== Syntax and semantics ==\nPython is meant to be an easily readable language.",
      redirects: ["Python language", "Python programming language"],
    },
    {
      title: "Hugging Face",
      intro:
        "Hugging Face, Inc. is an American company that develops computation tools for building applications using machine learning.",
      body: "== History ==\nThe company was founded in 2016 by French entrepreneurs in New York City.",
    },
  ],
  fr: [
    {
      title: "Paris",
      intro: "Paris est la capitale de la France. Elle se situe au cœur d'un vaste bassin sédimentaire.",
      body: "== Géographie ==\nParis est traversée par la Seine.",
    },
  ],
};

/** MediaWiki's title normalization: underscores are spaces and the first letter is upper case. */
export function normalizeTitle(title: string): string {
  const spaced = title.replaceAll("_", " ").trim().replace(/\s+/g, " ");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function pageId(title: string): number {
  let hash = 0;
  for (const character of title) hash = (hash * 31 + character.codePointAt(0)!) % 1_000_000;
  return hash + 1000;
}

function pageUrl(baseUrl: string, title: string): string {
  return `${baseUrl}/wiki/${encodeURIComponent(title.replaceAll(" ", "_"))}`;
}

/** The `action=query&prop=extracts|info&titles=…` answer. */
export function wikipediaExtracts(
  articles: readonly FakeWikipediaArticle[],
  parameters: URLSearchParams,
  options: { baseUrl: string; language: string },
): Record<string, unknown> {
  const requested = (parameters.get("titles") ?? "").split("|").filter((title) => title !== "");
  const followRedirects = parameters.has("redirects");
  const introOnly = parameters.has("exintro");
  const normalized: { fromencoded: boolean; from: string; to: string }[] = [];
  const redirects: { from: string; to: string }[] = [];
  const pages: Record<string, unknown>[] = [];
  for (const title of requested) {
    if (/[<>[\]{}|#]/.test(title)) {
      pages.push({
        title,
        invalidreason: `The requested page title contains invalid characters: "${title}".`,
        invalid: true,
      });
      continue;
    }
    let canonical = normalizeTitle(title);
    if (canonical !== title) normalized.push({ fromencoded: false, from: title, to: canonical });
    const redirected = articles.find((article) => article.redirects?.includes(canonical));
    if (redirected && followRedirects) {
      redirects.push({ from: canonical, to: redirected.title });
      canonical = redirected.title;
    }
    const article = articles.find((candidate) => candidate.title === canonical);
    if (!article) {
      pages.push({ ns: 0, title: canonical, missing: true });
      continue;
    }
    const url = pageUrl(options.baseUrl, article.title);
    pages.push({
      pageid: pageId(article.title),
      ns: 0,
      title: article.title,
      extract: introOnly ? article.intro : `${article.intro}\n\n${article.body}`,
      contentmodel: "wikitext",
      pagelanguage: options.language,
      pagelanguagehtmlcode: options.language,
      pagelanguagedir: "ltr",
      touched: "2024-03-05T10:00:00Z",
      lastrevid: pageId(article.title) * 7,
      length: article.intro.length + article.body.length,
      fullurl: url,
      editurl: `${url}?action=edit`,
      canonicalurl: url,
    });
  }
  const query: Record<string, unknown> = {};
  if (normalized.length > 0) query.normalized = normalized;
  if (redirects.length > 0) query.redirects = redirects;
  query.pages = pages;
  return { batchcomplete: true, query };
}

/** The `action=query&list=search&srsearch=…` answer: titles sharing a word with the search. */
export function wikipediaSearch(
  articles: readonly FakeWikipediaArticle[],
  parameters: URLSearchParams,
): Record<string, unknown> {
  const words = (parameters.get("srsearch") ?? "")
    .toLowerCase()
    .split(/[\W_]+/)
    .filter((word) => word.length > 2);
  const limit = Number(parameters.get("srlimit") ?? 10);
  const hits = articles.filter((article) => {
    const text = `${article.title} ${article.intro}`.toLowerCase();
    return words.some((word) => text.includes(word));
  });
  return {
    batchcomplete: true,
    query: {
      searchinfo: { totalhits: hits.length },
      search: hits.slice(0, limit).map((article) => ({
        ns: 0,
        title: article.title,
        pageid: pageId(article.title),
        size: article.intro.length + article.body.length,
        wordcount: article.intro.split(/\s+/).length,
        snippet: article.intro.slice(0, 80).replace(/(\w+)/, '<span class="searchmatch">$1</span>'),
        timestamp: "2024-03-05T10:00:00Z",
      })),
    },
  };
}
