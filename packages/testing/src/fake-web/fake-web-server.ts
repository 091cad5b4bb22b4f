import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { closeServer, listenOnLoopback, readBody, sendJson } from "../fake-servers/http.js";
import {
  bingRss,
  braveJson,
  DUCKDUCKGO_PAGE_SIZE,
  duckDuckGoHtml,
  exaJson,
  type FakeSearchEngine,
  type FakeSearchResult,
  serpApiJson,
  serperJson,
} from "./search-formats.js";
import {
  DEFAULT_FAKE_WIKIPEDIA,
  type FakeWikipedia,
  wikipediaExtracts,
  wikipediaSearch,
} from "./wikipedia-format.js";

/** A page the server serves at a path, for `visit_webpage` and friends. */
export interface FakePage {
  /** Default 200. */
  status?: number;
  /** Default `text/html; charset=utf-8`. */
  contentType?: string;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /** Never answer: the request hangs until the client gives up or the server closes. */
  hang?: boolean;
}

/** An answer forced on every request to one engine (or Wikipedia), e.g. a 429 or a 500. */
export interface FakeFailure {
  status: number;
  /** Default: the engine's own error body for that status. */
  body?: string | Record<string, unknown>;
  contentType?: string;
}

export interface FakeWebRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The raw body (empty for a GET). */
  body: string;
}

export interface FakeWebServerOptions {
  /** The index every engine searches; default `defaultSearchResults`. */
  search?: (query: string, engine: FakeSearchEngine) => readonly FakeSearchResult[];
  /** The key the keyed engines (Brave, Serper, SerpApi, Exa) accept. Default `"test-key"`. */
  apiKey?: string;
  /** Pages by path (`"/article"`); other paths answer 404. */
  pages?: Record<string, FakePage>;
  /** Articles by language; default `DEFAULT_FAKE_WIKIPEDIA`. */
  wikipedia?: FakeWikipedia;
}

export interface FakeWebServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Where each engine listens: pass it as the search tool's `endpoint`. */
  readonly endpoints: Readonly<Record<FakeSearchEngine, string>>;
  /** The Wikipedia tool's `baseUrl`: `<url>/wikipedia/{language}`. */
  readonly wikipediaBaseUrl: string;
  readonly requests: FakeWebRequest[];
  /** The requests that reached one engine. */
  requestsTo(engine: FakeSearchEngine | "wikipedia"): FakeWebRequest[];
  /** Serve (or replace) a page. */
  setPage(path: string, page: FakePage): void;
  /** Make every request to `target` fail this way from now on; `undefined` heals it. */
  fail(target: FakeSearchEngine | "wikipedia", failure: FakeFailure | undefined): void;
  close(): Promise<void>;
}

/** A query for which `defaultSearchResults` finds nothing. */
export const NO_RESULTS_QUERY = "qzxv nothing at all matches this qzxv";

/**
 * Thirty results about any query (none for `NO_RESULTS_QUERY`), numbered so that a test can see
 * which ones a client kept.
 */
export function defaultSearchResults(query: string): FakeSearchResult[] {
  if (query.includes(NO_RESULTS_QUERY)) return [];
  const slug =
    query
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "query";
  return Array.from({ length: 30 }, (_, index) => ({
    title: `Result ${index + 1} about ${query}`,
    link: `https://site${index + 1}.example.org/${slug}?page=${index + 1}`,
    snippet: `Everything worth knowing about ${query}, from source number ${index + 1} & co.`,
    ...(index === 0 ? { date: "Mar 5, 2024" } : {}),
  }));
}

const ENGINE_PATHS: Record<FakeSearchEngine, string> = {
  duckduckgo: "/duckduckgo/html/",
  bing: "/bing/search",
  brave: "/brave/res/v1/web/search",
  serper: "/serper/search",
  serpapi: "/serpapi/search.json",
  exa: "/exa/search",
};

/**
 * A local web for the toolkit's tests: each search engine's real answer format at its own path,
 * a MediaWiki API per language, and pages to visit (including ones that never answer). It listens
 * on 127.0.0.1, on a free port.
 *
 * @example
 * await using web = await startFakeWebServer({ pages: { "/hello": { body: "<h1>Hi</h1>" } } });
 * const tool = new WebSearchTool({ engine: "bing", endpoint: web.endpoints.bing, minIntervalSeconds: 0 });
 * await tool.call({ query: "smol agents" }); // "## Search Results\n\n1. [Result 1 about smol agents](…)…"
 */
export async function startFakeWebServer(options: FakeWebServerOptions = {}): Promise<FakeWebServer> {
  const search = options.search ?? defaultSearchResults;
  const apiKey = options.apiKey ?? "test-key";
  const pages = new Map(Object.entries(options.pages ?? {}));
  const wikipedia = options.wikipedia ?? DEFAULT_FAKE_WIKIPEDIA;
  const failures = new Map<string, FakeFailure>();
  const requests: (FakeWebRequest & { target?: string })[] = [];
  let baseUrl = "";

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const parsed = new URL(request.url ?? "/", "http://127.0.0.1");
    const body = await readBody(request);
    const recorded: FakeWebRequest & { target?: string } = {
      method: request.method ?? "GET",
      path: parsed.pathname,
      query: parsed.searchParams,
      headers: request.headers,
      body,
    };
    requests.push(recorded);

    const engine = (Object.keys(ENGINE_PATHS) as FakeSearchEngine[]).find(
      (name) => ENGINE_PATHS[name] === parsed.pathname,
    );
    const wikipediaMatch = /^\/wikipedia\/([a-z-]+)\/w\/api\.php$/.exec(parsed.pathname);
    recorded.target = engine ?? (wikipediaMatch ? "wikipedia" : undefined);
    const failure = recorded.target ? failures.get(recorded.target) : undefined;
    if (failure) {
      sendFailure(response, failure);
      return;
    }
    if (engine) {
      answerSearch(engine, recorded, response);
      return;
    }
    if (wikipediaMatch) {
      answerWikipedia(wikipediaMatch[1]!, parsed.searchParams, response);
      return;
    }
    const page = pages.get(parsed.pathname);
    if (!page) {
      send(response, 404, "text/html; charset=utf-8", "<html><body><h1>404 Not Found</h1></body></html>");
      return;
    }
    if (page.hang) return; // closeServer() cuts the connection.
    send(
      response,
      page.status ?? 200,
      page.contentType ?? "text/html; charset=utf-8",
      page.body ?? "",
      page.headers,
    );
  }

  function answerSearch(engine: FakeSearchEngine, request: FakeWebRequest, response: ServerResponse): void {
    const json = (): Record<string, any> => {
      try {
        return JSON.parse(request.body || "{}");
      } catch {
        return {};
      }
    };
    switch (engine) {
      case "duckduckgo": {
        const query = request.query.get("q") ?? new URLSearchParams(request.body).get("q") ?? "";
        const html = duckDuckGoHtml(query, search(query, engine).slice(0, DUCKDUCKGO_PAGE_SIZE));
        send(response, 200, "text/html; charset=UTF-8", html);
        return;
      }
      case "bing": {
        const query = request.query.get("q") ?? "";
        if (request.query.get("format") !== "rss") {
          send(
            response,
            200,
            "text/html; charset=utf-8",
            "<html><body>Bing's HTML page: ask with format=rss.</body></html>",
          );
          return;
        }
        // Bing's feed holds one page whatever `count` says.
        send(
          response,
          200,
          "application/rss+xml; charset=utf-8",
          bingRss(query, search(query, engine).slice(0, 10)),
        );
        return;
      }
      case "brave": {
        if (request.headers["x-subscription-token"] !== apiKey) {
          sendJson(
            response,
            422,
            braveError("SUBSCRIPTION_TOKEN_INVALID", "The provided subscription token is invalid."),
          );
          return;
        }
        const query = request.query.get("q") ?? "";
        const count = Math.min(Number(request.query.get("count") ?? 20), 20);
        sendJson(response, 200, braveJson(query, search(query, engine).slice(0, count)));
        return;
      }
      case "serper": {
        if (request.headers["x-api-key"] !== apiKey) {
          sendJson(response, 403, { message: "Unauthorized.", statusCode: 403 });
          return;
        }
        const { q = "", num = 10 } = json();
        sendJson(
          response,
          200,
          serperJson(String(q), search(String(q), engine).slice(0, Number(num)), Number(num)),
        );
        return;
      }
      case "serpapi": {
        if (request.query.get("api_key") !== apiKey) {
          sendJson(response, 401, {
            error: "Invalid API key. Your API key should be here: https://serpapi.com/manage-api-key",
          });
          return;
        }
        const query = request.query.get("q") ?? "";
        const num = Number(request.query.get("num") ?? 10);
        sendJson(response, 200, serpApiJson(query, search(query, engine).slice(0, num)));
        return;
      }
      case "exa": {
        if (request.headers["x-api-key"] !== apiKey) {
          sendJson(response, 401, { requestId: "0", error: "Invalid API key", tag: "INVALID_API_KEY" });
          return;
        }
        const { query = "", numResults = 10, contents } = json();
        const results = search(String(query), engine).slice(0, Number(numResults));
        sendJson(response, 200, exaJson(results, contents?.text !== undefined && contents.text !== false));
        return;
      }
    }
  }

  function answerWikipedia(language: string, parameters: URLSearchParams, response: ServerResponse): void {
    const articles = wikipedia[language];
    if (!articles) {
      send(response, 404, "text/html; charset=utf-8", "<html><body>No such wiki.</body></html>");
      return;
    }
    if (parameters.get("action") !== "query" || parameters.get("format") !== "json") {
      sendJson(response, 200, {
        error: { code: "badvalue", info: "This fake only answers action=query&format=json." },
      });
      return;
    }
    const site = { baseUrl: `${baseUrl}/wikipedia/${language}`, language };
    const answer =
      parameters.get("list") === "search"
        ? wikipediaSearch(articles, parameters)
        : wikipediaExtracts(articles, parameters, site);
    sendJson(response, 200, answer);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, "text/plain", `fake web server error: ${String(error)}`);
      else response.destroy();
    });
  });
  baseUrl = await listenOnLoopback(server);
  const endpoints = Object.fromEntries(
    Object.entries(ENGINE_PATHS).map(([engine, path]) => [engine, `${baseUrl}${path}`]),
  ) as Record<FakeSearchEngine, string>;

  const close = () => closeServer(server);
  return {
    url: baseUrl,
    endpoints,
    wikipediaBaseUrl: `${baseUrl}/wikipedia/{language}`,
    requests,
    requestsTo: (target) => requests.filter((request) => request.target === target),
    setPage: (path, page) => {
      pages.set(path, page);
    },
    fail: (target, failure) => {
      if (failure) failures.set(target, failure);
      else failures.delete(target);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

function braveError(code: string, detail: string): Record<string, unknown> {
  return {
    type: "ErrorResponse",
    error: {
      id: "c5a6f3d0-0000-4000-8000-000000000000",
      status: 422,
      code,
      detail,
      meta: { component: "authentication" },
    },
    time: 1709632800,
  };
}

function sendFailure(response: ServerResponse, failure: FakeFailure): void {
  if (typeof failure.body === "object") {
    sendJson(response, failure.status, failure.body);
    return;
  }
  const body = failure.body ?? (failure.status === 429 ? "Too Many Requests" : `Error ${failure.status}`);
  send(response, failure.status, failure.contentType ?? "text/plain; charset=utf-8", body);
}

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): void {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  response.writeHead(status, { "content-type": contentType, "content-length": bytes.byteLength, ...headers });
  response.end(bytes);
}
