import { Tool, type ToolCallOptions, type ToolInputs, type ToolOutputType } from "@smol/core";
import { ToolConfigurationError } from "../errors.js";
import {
  DEFAULT_USER_AGENT,
  describeRequestError,
  type FetchFunction,
  fetchRetryingReset,
  isCallerAbort,
  readBodyText,
  withTimeout,
} from "../http/fetch.js";
import { truncateText } from "../visit-webpage/visit-webpage-tool.js";

/** Options of `WikipediaSearchTool`. */
export interface WikipediaSearchToolOptions {
  /** The Wikipedia to read, by language code; default `"en"`. */
  language?: string;
  /** `"summary"` (default): the lead section; `"text"`: the whole article. */
  contentType?: "summary" | "text";
  /**
   * Wikimedia asks API clients for a `User-Agent` that says who they are and how to reach them,
   * e.g. `"MyAgent/1.0 (me@example.com)"`; default a generic smol one.
   */
  userAgent?: string;
  /** The site, with `{language}` for the language code; default `https://{language}.wikipedia.org`. */
  baseUrl?: string;
  /** Longest text returned, in characters; default 40,000. */
  maxOutputLength?: number;
  /** Longest wait for one API call, in seconds; default 20. */
  timeoutSeconds?: number;
  fetch?: FetchFunction;
}

interface WikipediaPage {
  title: string;
  extract: string;
  url: string;
}

/**
 * `wikipedia_search(query)`: reads a Wikipedia article through the MediaWiki API, the summary
 * (lead section) or the full text. The query is tried as a title (following redirects), then as
 * a search whose best hit is read. A page that cannot be found, or an API failure, comes back as
 * a sentence for the model.
 *
 * @example
 * const wikipedia = new WikipediaSearchTool({ language: "fr", contentType: "text", userAgent: "MyAgent/1.0 (me@example.com)" });
 * await wikipedia.call({ query: "Paris" }); // "# Paris\n\nParis est la capitale de la France…"
 */
export class WikipediaSearchTool extends Tool {
  name = "wikipedia_search";
  description =
    "Reads a Wikipedia article about a topic and returns its text. Give the title of the article (or the closest words); returns a summary or the full article.";
  inputs = {
    query: { type: "string", description: "The topic to look up, ideally the title of a Wikipedia article." },
  } satisfies ToolInputs;
  outputType: ToolOutputType = "string";

  readonly language: string;
  readonly contentType: "summary" | "text";
  readonly #apiUrl: string;
  readonly #options: WikipediaSearchToolOptions;
  readonly #fetch: FetchFunction;

  constructor(options: WikipediaSearchToolOptions = {}) {
    super();
    this.language = options.language ?? "en";
    this.contentType = options.contentType ?? "summary";
    if (!/^[a-z][a-z0-9-]{0,15}$/.test(this.language)) {
      throw new ToolConfigurationError(
        `language must be a Wikipedia language code such as "en", "fr" or "zh-yue"; got ${JSON.stringify(this.language)}.`,
      );
    }
    if (this.contentType !== "summary" && this.contentType !== "text") {
      throw new ToolConfigurationError(
        `contentType must be "summary" or "text"; got ${JSON.stringify(this.contentType)}.`,
      );
    }
    const base = (options.baseUrl ?? "https://{language}.wikipedia.org").replaceAll(
      "{language}",
      this.language,
    );
    this.#apiUrl = `${base.replace(/\/+$/, "")}/w/api.php`;
    this.#options = options;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  async forward({ query }: { query: string }, options: ToolCallOptions = {}): Promise<string> {
    const signal = options.signal;
    try {
      let page = await this.#pageByTitle(query, signal);
      if (!page) {
        const bestHit = await this.#search(query, signal);
        if (bestHit) page = await this.#pageByTitle(bestHit, signal);
      }
      if (!page) {
        return `No Wikipedia page found for "${query}" in the ${this.language} Wikipedia. Try a more general title, or another spelling.`;
      }
      if (page.extract.trim() === "")
        return `The Wikipedia page "${page.title}" has no text to show. See ${page.url}`;
      const text = truncateText(
        markdownHeadings(page.extract.trim()),
        this.#options.maxOutputLength ?? 40_000,
      );
      return `# ${page.title}\n\n${text}\n\nSource: ${page.url}`;
    } catch (error) {
      if (isCallerAbort(error, signal)) throw error;
      const reason = error instanceof WikipediaApiError ? error.message : describeRequestError(error);
      return `Could not read Wikipedia (${this.language}) for "${query}": ${reason}. Try again later.`;
    }
  }

  async #pageByTitle(title: string, signal: AbortSignal | undefined): Promise<WikipediaPage | undefined> {
    const parameters: Record<string, string> = {
      prop: "extracts|info",
      inprop: "url",
      explaintext: "1",
      redirects: "1",
      titles: title,
    };
    if (this.contentType === "summary") parameters.exintro = "1";
    const answer = await this.#query(parameters, signal);
    const page = answer.query?.pages?.[0];
    if (!page || page.missing || page.invalid || typeof page.title !== "string") return undefined;
    return {
      title: page.title,
      extract: String(page.extract ?? ""),
      url: String(page.fullurl ?? page.canonicalurl ?? ""),
    };
  }

  async #search(query: string, signal: AbortSignal | undefined): Promise<string | undefined> {
    const answer = await this.#query({ list: "search", srsearch: query, srlimit: "1", srprop: "" }, signal);
    const hit = answer.query?.search?.[0];
    return typeof hit?.title === "string" ? hit.title : undefined;
  }

  async #query(
    parameters: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<Record<string, any>> {
    const url = new URL(this.#apiUrl);
    for (const [name, value] of Object.entries({
      action: "query",
      format: "json",
      formatversion: "2",
      ...parameters,
    })) {
      url.searchParams.set(name, value);
    }
    return withTimeout(this.#options.timeoutSeconds ?? 20, signal, async (timeoutSignal) => {
      const response = await fetchRetryingReset(this.#fetch, url.toString(), {
        headers: { "user-agent": this.#options.userAgent ?? DEFAULT_USER_AGENT, accept: "application/json" },
        signal: timeoutSignal,
      });
      const { text } = await readBodyText(response, 20 * 1024 * 1024);
      if (!response.ok) throw new WikipediaApiError(`the API answered HTTP ${response.status}`);
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        throw new WikipediaApiError("the API did not answer with JSON");
      }
      if (json?.error) throw new WikipediaApiError(`the API said: ${json.error.info ?? json.error.code}`);
      return json as Record<string, any>;
    });
  }
}

class WikipediaApiError extends Error {}

/** MediaWiki's plain-text headings (`== History ==`) as Markdown ones (`## History`). */
function markdownHeadings(text: string): string {
  return text.replace(
    /^(={2,6})\s*(.+?)\s*\1\s*$/gm,
    (_line, marks: string, heading: string) => `${"#".repeat(marks.length)} ${heading}`,
  );
}
