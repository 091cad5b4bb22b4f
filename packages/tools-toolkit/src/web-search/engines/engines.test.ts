import { describe, expect, it } from "vitest";
import { formatResults } from "../format-results.js";
import { SearchRefusedError } from "../search-engine.js";
import { SEARCH_ENGINES, unwrapDuckDuckGoLink } from "./index.js";

describe("unwrapDuckDuckGoLink", () => {
  it("returns the target of a redirect link, in any of its forms", () => {
    const target = "https://example.com/a b?x=1&y=2";
    const encoded = encodeURIComponent(target);
    expect(unwrapDuckDuckGoLink(`//duckduckgo.com/l/?uddg=${encoded}&rut=abc`)).toBe(target);
    expect(unwrapDuckDuckGoLink(`/l/?uddg=${encoded}`)).toBe(target);
    expect(unwrapDuckDuckGoLink(`https://duckduckgo.com/l/?kh=-1&uddg=${encoded}`)).toBe(target);
  });

  it("keeps direct links and drops ads and navigation", () => {
    expect(unwrapDuckDuckGoLink("https://example.org/page")).toBe("https://example.org/page");
    expect(
      unwrapDuckDuckGoLink("https://duckduckgo.com/y.js?ad_domain=x&u3=https%3A%2F%2Fx"),
    ).toBeUndefined();
    expect(unwrapDuckDuckGoLink("/html/?q=next")).toBeUndefined();
    expect(unwrapDuckDuckGoLink("javascript:void(0)")).toBeUndefined();
    expect(unwrapDuckDuckGoLink(null)).toBeUndefined();
  });
});

describe("engine parsers", () => {
  it("read SerpApi's empty-search error as no results, and other errors as a refusal", () => {
    expect(
      SEARCH_ENGINES.serpapi.parseResults(
        JSON.stringify({ error: "Google hasn't returned any results for this query." }),
      ),
    ).toEqual([]);
    expect(() =>
      SEARCH_ENGINES.serpapi.parseResults(JSON.stringify({ error: "Your account has run out of searches." })),
    ).toThrow(new SearchRefusedError("SerpApi said: Your account has run out of searches."));
  });

  it("refuse an answer that is not the documented JSON", () => {
    for (const engine of ["brave", "serper", "serpapi", "exa"] as const) {
      expect(() => SEARCH_ENGINES[engine].parseResults("<html>gateway error</html>")).toThrow(
        SearchRefusedError,
      );
    }
    expect(() => SEARCH_ENGINES.bing.parseResults("<html><body>Consent</body></html>")).toThrow(
      SearchRefusedError,
    );
  });

  it("skip results without a link or a title", () => {
    const body = JSON.stringify({
      organic: [
        { title: "", link: "https://a" },
        { title: "B", link: "https://b", snippet: "s" },
        { title: "C" },
      ],
    });
    expect(SEARCH_ENGINES.serper.parseResults(body)).toEqual([
      { title: "B", link: "https://b", snippet: "s" },
    ]);
  });

  it("read Exa's highlights before its text", () => {
    const body = JSON.stringify({
      results: [{ title: "T", url: "https://t", highlights: ["the best bit"], text: "all of it" }],
    });
    expect(SEARCH_ENGINES.exa.parseResults(body)[0]!.snippet).toBe("the best bit");
  });
});

describe("formatResults", () => {
  it("escapes brackets in titles and parentheses in links, and shortens long snippets", () => {
    const output = formatResults([
      { title: "A [draft]", link: "https://x.org/a_(b)", snippet: "y".repeat(600) },
    ]);
    expect(output.split("\n")[2]).toBe("1. [A \\[draft\\]](https://x.org/a_%28b%29)");
    expect(output.split("\n")[3]).toBe(`   ${"y".repeat(499)}…`);
  });
});
