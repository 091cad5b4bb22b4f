import { type FakeWebServer, startFakeWebServer } from "@smol/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ToolConfigurationError } from "../errors.js";
import { WikipediaSearchTool, type WikipediaSearchToolOptions } from "./wikipedia-search-tool.js";

let web: FakeWebServer;
beforeAll(async () => {
  web = await startFakeWebServer();
});
afterAll(() => web.close());
afterEach(() => web.fail("wikipedia", undefined));

const wikipedia = (options: WikipediaSearchToolOptions = {}) =>
  new WikipediaSearchTool({
    baseUrl: web.wikipediaBaseUrl,
    userAgent: "smol-tests/1.0 (tests@example.org)",
    ...options,
  });

describe("WikipediaSearchTool", () => {
  it("returns the summary of an article, with its link", async () => {
    const output = await wikipedia().call({ query: "Python (programming language)" });
    expect(output).toBe(
      "# Python (programming language)\n\nPython is a high-level, general-purpose programming language. Its design philosophy " +
        "emphasizes code readability with the use of significant indentation.\n\n" +
        `Source: ${web.url}/wikipedia/en/wiki/Python_(programming_language)`,
    );
    const request = web.requestsTo("wikipedia").at(-1)!;
    expect(Object.fromEntries(request.query)).toMatchObject({
      action: "query",
      format: "json",
      formatversion: "2",
      prop: "extracts|info",
      explaintext: "1",
      exintro: "1",
      redirects: "1",
      titles: "Python (programming language)",
    });
    expect(request.headers["user-agent"]).toBe("smol-tests/1.0 (tests@example.org)");
  });

  it("returns the full text, with Markdown headings, when asked for text", async () => {
    const output = (await wikipedia({ contentType: "text" }).call({
      query: "Python (programming language)",
    })) as string;
    expect(output).toContain(
      "significant indentation.\n\n## History\nPython was conceived in the late 1980s by Guido van Rossum.",
    );
    expect(output).toContain("## Syntax and semantics");
    expect(web.requestsTo("wikipedia").at(-1)!.query.has("exintro")).toBe(false);
  });

  it("follows redirects and normalizes titles", async () => {
    expect(await wikipedia().call({ query: "Python language" })).toMatch(
      /^# Python \(programming language\)\n/,
    );
    expect(await wikipedia().call({ query: "hugging_face" })).toMatch(/^# Hugging Face\n/);
  });

  it("falls back to a search when the query is not a title", async () => {
    const output = await wikipedia().call({ query: "company that builds machine learning tools" });
    expect(output).toMatch(/^# Hugging Face\n/);
    expect(web.requestsTo("wikipedia").at(-2)!.query.get("list")).toBe("search");
  });

  it("says when no page can be found", async () => {
    expect(await wikipedia().call({ query: "Xyzzy" })).toBe(
      'No Wikipedia page found for "Xyzzy" in the en Wikipedia. Try a more general title, or another spelling.',
    );
  });

  it("reads the Wikipedia of the language asked for", async () => {
    const output = await wikipedia({ language: "fr" }).call({ query: "Paris" });
    expect(output).toMatch(/^# Paris\n\nParis est la capitale de la France\./);
    expect(web.requestsTo("wikipedia").at(-1)!.path).toBe("/wikipedia/fr/w/api.php");
    expect(await wikipedia({ language: "fr" }).call({ query: "Hugging Face" })).toContain(
      "No Wikipedia page found",
    );
  });

  it("explains an API failure instead of throwing", async () => {
    web.fail("wikipedia", { status: 503 });
    expect(await wikipedia().call({ query: "Paris" })).toBe(
      'Could not read Wikipedia (en) for "Paris": the API answered HTTP 503. Try again later.',
    );
  });

  it("explains an error the API reports", async () => {
    web.fail("wikipedia", {
      status: 200,
      body: { error: { code: "ratelimited", info: "You've exceeded your rate limit." } },
    });
    expect(await wikipedia().call({ query: "Paris" })).toBe(
      `Could not read Wikipedia (en) for "Paris": the API said: You've exceeded your rate limit.. Try again later.`,
    );
  });

  it("checks its options", () => {
    expect(() => new WikipediaSearchTool({ language: "English" })).toThrow(ToolConfigurationError);
    expect(() => new WikipediaSearchTool({ contentType: "all" as "text" })).toThrow(
      'contentType must be "summary" or "text"',
    );
    expect(() => new WikipediaSearchTool().validate()).not.toThrow();
    expect(new WikipediaSearchTool().name).toBe("wikipedia_search");
  });
});
