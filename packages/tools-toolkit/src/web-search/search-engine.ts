/** One web search result. */
export interface SearchResult {
  title: string;
  link: string;
  snippet: string;
  /** When the engine says when the page was published. */
  date?: string;
}

/** What to search for. */
export interface SearchQuery {
  query: string;
  /** How many results to ask for (the tool keeps at most this many, whatever the engine sends). */
  maxResults: number;
  /** Only results from this year (the Google engines: Serper and SerpApi). */
  year?: number;
}

/** Where and how to send one search. */
export interface EngineContext {
  endpoint: string;
  apiKey: string | undefined;
  userAgent: string;
}

export interface EngineRequest {
  url: string;
  init: RequestInit;
}

/**
 * One search engine: how to ask it and how to read its answer. The tool does the rest (rate
 * limit, timeout, errors, formatting), so an engine is two pure functions, tested on their own.
 */
export interface SearchEngine {
  /** Shown in messages, e.g. "DuckDuckGo". */
  readonly label: string;
  /** The URL searches go to unless the tool is given an `endpoint`. */
  readonly defaultEndpoint: string;
  /** The environment variable holding the API key, for engines that need one. */
  readonly apiKeyVariable?: string;
  buildRequest(query: SearchQuery, context: EngineContext): EngineRequest;
  /** Reads a successful answer; throws `SearchRefusedError` when the answer is a refusal. */
  parseResults(body: string): SearchResult[];
  /** The engine's own error message inside a failed answer, when there is one. */
  errorDetail?(body: string): string | undefined;
}

/** The engine answered, but with a refusal instead of results (a bot check, an error field). */
export class SearchRefusedError extends Error {
  override readonly name = "SearchRefusedError";
}

/** The JSON body of an answer, or undefined when it is not JSON. */
export function parseJson(body: string): any {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** A JSON answer that must be an object; anything else means the engine changed its format. */
export function parseJsonObject(body: string, label: string): Record<string, any> {
  const json = parseJson(body);
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new SearchRefusedError(`${label} answered something that is not the JSON object its API documents`);
  }
  return json;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Plain text from an HTML fragment (a snippet with `<strong>` or `<b>`): tags out, entities decoded. */
export function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
      if (name.startsWith("#x") || name.startsWith("#X"))
        return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith("#")) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
      return ENTITIES[name.toLowerCase()] ?? entity;
    })
    .replace(/\s+/g, " ")
    .trim();
}

/** A result with its text cleaned, or undefined when it has no usable link or title. */
export function cleanResult(raw: {
  title?: unknown;
  link?: unknown;
  snippet?: unknown;
  date?: unknown;
}): SearchResult | undefined {
  const link = typeof raw.link === "string" ? raw.link.trim() : "";
  const title = typeof raw.title === "string" ? plainText(raw.title) : "";
  if (link === "" || title === "") return undefined;
  const result: SearchResult = {
    title,
    link,
    snippet: typeof raw.snippet === "string" ? plainText(raw.snippet) : "",
  };
  if (typeof raw.date === "string" && raw.date.trim() !== "") result.date = raw.date.trim();
  return result;
}

/** `cleanResult` over a list, dropping the unusable ones. */
export function cleanResults(raw: readonly Record<string, unknown>[]): SearchResult[] {
  return raw.map(cleanResult).filter((result): result is SearchResult => result !== undefined);
}

/** Google's custom date range for one calendar year, as Serper and SerpApi take it in `tbs`. */
export function googleYearFilter(year: number): string {
  return `cdr:1,cd_min:01/01/${year},cd_max:12/31/${year}`;
}

/** `url` with `parameters` added to its query string. */
export function withQuery(url: string, parameters: Record<string, string | number | undefined>): string {
  const target = new URL(url);
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined) target.searchParams.set(name, String(value));
  }
  return target.toString();
}
