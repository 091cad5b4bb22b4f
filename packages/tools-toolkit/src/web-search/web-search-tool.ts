import { Tool, type ToolCallOptions, type ToolInputs, type ToolOutputType } from "@smol/core";
import type { SearchEngineName } from "./engines/index.js";
import { runSearch, type SearchSettings } from "./run-search.js";
import { type SearchToolOptions, searchSettings } from "./search-options.js";

/** Options of `WebSearchTool`. */
export interface WebSearchToolOptions extends SearchToolOptions {
  /**
   * The engine: `duckduckgo` (default) and `bing` need no key; `brave`, `serper`, `serpapi` and
   * `exa` read `BRAVE_API_KEY`, `SERPER_API_KEY`, `SERPAPI_API_KEY` and `EXA_API_KEY`.
   */
  engine?: SearchEngineName;
}

/**
 * `web_search(query)`: searches the web and returns the top results as a numbered Markdown list
 * (title, link, snippet). No results, HTTP errors and timeouts come back as sentences the model
 * can act on; a missing API key throws `ToolConfigurationError` when the tool is built.
 *
 * @example
 * const searchTool = new WebSearchTool();
 * console.log(await searchTool.call({ query: "Who's the current president of Russia?" }));
 * // ## Search Results
 * //
 * // 1. [Title](https://…)
 * //    snippet
 */
export class WebSearchTool extends Tool {
  name = "web_search";
  description =
    "Performs a web search for a query and returns the top results as a list with the title, link and a snippet of each page.";
  inputs = { query: { type: "string", description: "The search query to perform." } } satisfies ToolInputs;
  outputType: ToolOutputType = "string";

  /** The engine this tool searches with. */
  readonly engine: SearchEngineName;
  readonly maxResults: number;
  protected readonly settings: SearchSettings;

  constructor(options: WebSearchToolOptions = {}) {
    super();
    this.engine = options.engine ?? "duckduckgo";
    const { maxResults, ...settings } = searchSettings(this.engine, options);
    this.maxResults = maxResults;
    this.settings = settings;
  }

  async forward({ query }: { query: string }, options: ToolCallOptions = {}): Promise<string> {
    return runSearch({ query, maxResults: this.maxResults }, this.settings, options.signal);
  }
}

/** Options of `DuckDuckGoSearchTool`. */
export type DuckDuckGoSearchToolOptions = SearchToolOptions;

/**
 * `web_search(query)` on DuckDuckGo, as smolagents names it: no API key needed.
 *
 * @example
 * const agent = new CodeAgent({ tools: [new DuckDuckGoSearchTool({ maxResults: 5 })], model });
 */
export class DuckDuckGoSearchTool extends WebSearchTool {
  override description =
    "Performs a DuckDuckGo web search for a query and returns the top results as a list with the title, link and a snippet of each page.";

  constructor(options: DuckDuckGoSearchToolOptions = {}) {
    super({ ...options, engine: "duckduckgo" });
  }
}
