import { Tool, type ToolCallOptions, type ToolInputs, type ToolOutputType } from "@smol/core";
import { ToolConfigurationError } from "../errors.js";
import { runSearch, type SearchSettings } from "./run-search.js";
import { type SearchToolOptions, searchSettings } from "./search-options.js";

/** Options of `GoogleSearchTool`. */
export interface GoogleSearchToolOptions extends SearchToolOptions {
  /** Who asks Google: `serpapi` (default, `SERPAPI_API_KEY`) or `serper` (`SERPER_API_KEY`). */
  provider?: "serpapi" | "serper";
}

/**
 * `web_search(query, filter_year?)`: a Google search through SerpApi or Serper, optionally
 * limited to one year. The argument is `filter_year`, as in smolagents, because the model writes
 * it as a Python keyword argument.
 *
 * @example
 * const google = new GoogleSearchTool({ provider: "serper" }); // reads SERPER_API_KEY
 * await google.call({ query: "smolagents release", filter_year: 2025 });
 */
export class GoogleSearchTool extends Tool {
  name = "web_search";
  description =
    "Performs a Google web search for a query and returns the top results with their title, link and snippet.";
  inputs = {
    query: { type: "string", description: "The search query to perform." },
    filter_year: {
      type: "integer",
      description: "Only return results published in this year, e.g. 2024.",
      nullable: true,
    },
  } satisfies ToolInputs;
  outputType: ToolOutputType = "string";

  readonly provider: "serpapi" | "serper";
  readonly maxResults: number;
  protected readonly settings: SearchSettings;

  constructor(options: GoogleSearchToolOptions = {}) {
    super();
    this.provider = options.provider ?? "serpapi";
    if (this.provider !== "serpapi" && this.provider !== "serper") {
      throw new ToolConfigurationError(
        `Unknown Google search provider ${JSON.stringify(this.provider)}; use "serpapi" or "serper".`,
      );
    }
    const { maxResults, ...settings } = searchSettings(this.provider, options);
    this.maxResults = maxResults;
    this.settings = settings;
  }

  async forward(
    { query, filter_year }: { query: string; filter_year?: number | null },
    options: ToolCallOptions = {},
  ): Promise<string> {
    const year = filter_year ?? undefined;
    return runSearch({ query, maxResults: this.maxResults, year }, this.settings, options.signal);
  }
}
