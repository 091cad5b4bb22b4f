import {
  duckDuckGoAnomalyHtml,
  type FakeWebServer,
  NO_RESULTS_QUERY,
  startFakeWebServer,
} from "@smol/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ToolConfigurationError } from "../errors.js";
import type { SearchEngineName } from "./engines/index.js";
import { GoogleSearchTool } from "./google-search-tool.js";
import { DuckDuckGoSearchTool, WebSearchTool } from "./web-search-tool.js";

let web: FakeWebServer;
beforeAll(async () => {
  web = await startFakeWebServer();
});
afterAll(() => web.close());
afterEach(() => {
  for (const engine of ["duckduckgo", "bing", "brave", "serper", "serpapi", "exa"] as const)
    web.fail(engine, undefined);
});

function searchTool(
  engine: SearchEngineName,
  options: { maxResults?: number; apiKey?: string } = {},
): WebSearchTool {
  return new WebSearchTool({
    engine,
    endpoint: web.endpoints[engine],
    minIntervalSeconds: 0,
    apiKey: ["duckduckgo", "bing"].includes(engine) ? undefined : (options.apiKey ?? "test-key"),
    maxResults: options.maxResults,
  });
}

/** The numbered items of a results list: [number, title, link]. */
function items(markdown: string): [number, string, string][] {
  return [...markdown.matchAll(/^(\d+)\. \[(.+)\]\((.+)\)$/gm)].map((match) => [
    Number(match[1]),
    match[2]!,
    match[3]!,
  ]);
}

const ENGINES: SearchEngineName[] = ["duckduckgo", "bing", "brave", "serper", "serpapi", "exa"];

describe.each(ENGINES)("WebSearchTool with %s", (engine) => {
  it("returns the results as a numbered Markdown list with links and snippets", async () => {
    const output = (await searchTool(engine).call({ query: "smol agents" })) as string;
    expect(
      output.startsWith(
        "## Search Results\n\n1. [Result 1 about smol agents](https://site1.example.org/smol-agents?page=1)\n   ",
      ),
    ).toBe(true);
    expect(output).toContain("Everything worth knowing about smol agents, from source number 1 & co.");
    expect(items(output)).toHaveLength(10);
    expect(items(output).map(([number]) => number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("keeps at most maxResults results", async () => {
    const output = (await searchTool(engine, { maxResults: 3 }).call({ query: "smol agents" })) as string;
    expect(items(output).map(([, title]) => title)).toEqual([
      "Result 1 about smol agents",
      "Result 2 about smol agents",
      "Result 3 about smol agents",
    ]);
  });

  it("says so, as a normal answer, when there are no results", async () => {
    const output = await searchTool(engine).call({ query: NO_RESULTS_QUERY });
    expect(output).toBe(
      `No results found for "${NO_RESULTS_QUERY}". Try a shorter or differently worded query.`,
    );
  });

  it("explains an HTTP error instead of throwing", async () => {
    web.fail(engine, { status: 503, body: "Service Unavailable" });
    const output = await searchTool(engine).call({ query: "smol agents" });
    expect(output).toMatch(
      /^The .+ search for "smol agents" failed with HTTP 503\. Try again in a moment, or use another search engine\.$/,
    );
  });

  it("explains a rate limit from the engine", async () => {
    web.fail(engine, { status: 429 });
    expect(await searchTool(engine).call({ query: "smol" })).toContain("HTTP 429");
    expect(await searchTool(engine).call({ query: "smol" })).toContain("wait before searching again");
  });
});

describe.each(["brave", "serper", "serpapi", "exa"] as const)("WebSearchTool with %s (keyed)", (engine) => {
  const variables = {
    brave: "BRAVE_API_KEY",
    serper: "SERPER_API_KEY",
    serpapi: "SERPAPI_API_KEY",
    exa: "EXA_API_KEY",
  };
  const variable = variables[engine];

  it("refuses to be built without a key, naming the environment variable", () => {
    const saved = process.env[variable];
    delete process.env[variable];
    try {
      expect(() => new WebSearchTool({ engine, endpoint: web.endpoints[engine] })).toThrow(
        ToolConfigurationError,
      );
      expect(() => new WebSearchTool({ engine })).toThrow(
        `set the ${variable} environment variable, or pass { apiKey }`,
      );
    } finally {
      if (saved !== undefined) process.env[variable] = saved;
    }
  });

  it("reads the key from the environment", async () => {
    const saved = process.env[variable];
    process.env[variable] = "test-key";
    try {
      const tool = new WebSearchTool({ engine, endpoint: web.endpoints[engine], minIntervalSeconds: 0 });
      expect(items((await tool.call({ query: "keys" })) as string)).toHaveLength(10);
    } finally {
      if (saved === undefined) delete process.env[variable];
      else process.env[variable] = saved;
    }
  });

  it("says that a refused key should be checked", async () => {
    const output = await searchTool(engine, { apiKey: "wrong-key" }).call({ query: "smol" });
    expect(output).toMatch(/failed with HTTP (401|403|422)/);
    expect(output).toContain(`Check the API key (${variable})`);
  });

  it("asks the engine for maxResults results", async () => {
    await searchTool(engine, { maxResults: 4 }).call({ query: "counted" });
    const request = web.requestsTo(engine).at(-1)!;
    const asked =
      request.query.get("count") ??
      request.query.get("num") ??
      JSON.parse(request.body || "{}").num ??
      JSON.parse(request.body).numResults;
    expect(Number(asked)).toBe(4);
  });
});

describe("WebSearchTool engine details", () => {
  it("is web_search with one string input, as the seed shows it", async () => {
    const searchTool = new WebSearchTool({ endpoint: web.endpoints.duckduckgo, minIntervalSeconds: 0 });
    expect(searchTool.name).toBe("web_search");
    expect(searchTool.engine).toBe("duckduckgo");
    expect(searchTool.inputSchema).toEqual({
      query: { type: "string", description: "The search query to perform." },
    });
    const output = await searchTool.call({ query: "Who's the current president of Russia?" });
    expect(output).toContain(
      "1. [Result 1 about Who's the current president of Russia?](https://site1.example.org/",
    );
    expect(await searchTool.call(["Who's the current president of Russia?"])).toBe(output);
  });

  it("unwraps DuckDuckGo's redirect links, skips its ads and sends the query", async () => {
    const output = (await searchTool("duckduckgo").call({ query: "wrapped links" })) as string;
    expect(output).not.toContain("duckduckgo.com");
    expect(output).not.toContain("Sponsored");
    expect(web.requestsTo("duckduckgo").at(-1)!.query.get("q")).toBe("wrapped links");
  });

  it("explains DuckDuckGo's bot check", async () => {
    web.fail("duckduckgo", { status: 202, body: duckDuckGoAnomalyHtml(), contentType: "text/html" });
    // A 202 is a success status: the page itself says it is a bot check.
    const output = await searchTool("duckduckgo").call({ query: "smol" });
    expect(output).toContain("bot check");
    expect(output).toContain("use another search engine");
  });

  it("asks Bing for its RSS feed", async () => {
    await searchTool("bing").call({ query: "rss please" });
    const request = web.requestsTo("bing").at(-1)!;
    expect(request.query.get("format")).toBe("rss");
    expect(request.query.get("q")).toBe("rss please");
  });

  it("turns Brave's <strong> markup into plain text", async () => {
    const output = (await searchTool("brave").call({ query: "strong snippets" })) as string;
    expect(output).toContain("Everything worth knowing about strong snippets");
    expect(output).not.toContain("<strong>");
  });

  it("explains a host that cannot be reached", async () => {
    const closed = await startFakeWebServer();
    const endpoint = closed.endpoints.bing;
    await closed.close();
    const tool = new WebSearchTool({ engine: "bing", endpoint, minIntervalSeconds: 0 });
    const output = await tool.call({ query: "anyone there" });
    expect(output).toMatch(
      /^The Bing search for "anyone there" failed: the connection was refused \(ECONNREFUSED\)\./,
    );
  });

  it("stops at once when the caller aborts", async () => {
    const tool = searchTool("bing");
    const controller = new AbortController();
    controller.abort(new Error("interrupted"));
    await expect(tool.call({ query: "x" }, { signal: controller.signal })).rejects.toThrow("interrupted");
  });

  it("rejects an unknown engine and a bad maxResults when built", () => {
    expect(() => new WebSearchTool({ engine: "altavista" as SearchEngineName })).toThrow(
      'Unknown search engine "altavista"; use one of: duckduckgo, bing, brave, serper, serpapi, exa.',
    );
    expect(() => new WebSearchTool({ maxResults: 0 })).toThrow(
      "maxResults must be a whole number, at least 1; got 0.",
    );
  });

  it("validates as an agent would", () => {
    for (const tool of [
      new WebSearchTool(),
      new DuckDuckGoSearchTool(),
      new GoogleSearchTool({ apiKey: "k" }),
    ]) {
      expect(() => tool.validate()).not.toThrow();
    }
  });
});

describe("DuckDuckGoSearchTool", () => {
  it("searches DuckDuckGo under the name web_search", async () => {
    const tool = new DuckDuckGoSearchTool({
      endpoint: web.endpoints.duckduckgo,
      minIntervalSeconds: 0,
      maxResults: 2,
    });
    expect(tool.name).toBe("web_search");
    expect(tool.description).toContain("DuckDuckGo");
    expect(items((await tool.call({ query: "ducks" })) as string)).toHaveLength(2);
  });
});

describe("GoogleSearchTool", () => {
  it.each(["serpapi", "serper"] as const)(
    "searches Google through %s, with an optional year filter",
    async (provider) => {
      const tool = new GoogleSearchTool({
        provider,
        endpoint: web.endpoints[provider],
        apiKey: "test-key",
        minIntervalSeconds: 0,
      });
      expect(tool.parameterNames).toEqual(["query", "filter_year"]);
      const output = (await tool.call({ query: "smolagents", filter_year: 2024 })) as string;
      expect(output).toContain(
        "1. [Result 1 about smolagents](https://site1.example.org/smolagents?page=1)\n   Date published: Mar 5, 2024\n",
      );
      const request = web.requestsTo(provider).at(-1)!;
      const tbs = request.query.get("tbs") ?? JSON.parse(request.body).tbs;
      expect(tbs).toBe("cdr:1,cd_min:01/01/2024,cd_max:12/31/2024");

      await tool.call({ query: "smolagents" });
      const plain = web.requestsTo(provider).at(-1)!;
      expect(plain.query.get("tbs") ?? JSON.parse(plain.body || "{}").tbs).toBeUndefined();
    },
  );

  it("says which year found nothing", async () => {
    const tool = new GoogleSearchTool({
      endpoint: web.endpoints.serpapi,
      apiKey: "test-key",
      minIntervalSeconds: 0,
    });
    expect(await tool.call({ query: NO_RESULTS_QUERY, filter_year: 1999 })).toBe(
      `No results found for "${NO_RESULTS_QUERY}" in 1999. Try another year or no year filter.`,
    );
  });

  it("needs SERPAPI_API_KEY by default", () => {
    const saved = process.env.SERPAPI_API_KEY;
    delete process.env.SERPAPI_API_KEY;
    try {
      expect(() => new GoogleSearchTool()).toThrow("SERPAPI_API_KEY");
    } finally {
      if (saved !== undefined) process.env.SERPAPI_API_KEY = saved;
    }
  });
});
