export {
  defaultSearchResults,
  type FakeFailure,
  type FakePage,
  type FakeWebRequest,
  type FakeWebServer,
  type FakeWebServerOptions,
  NO_RESULTS_QUERY,
  startFakeWebServer,
} from "./fake-web-server.js";
export {
  DUCKDUCKGO_PAGE_SIZE,
  duckDuckGoAnomalyHtml,
  FAKE_SEARCH_ENGINES,
  type FakeSearchEngine,
  type FakeSearchResult,
} from "./search-formats.js";
export {
  DEFAULT_FAKE_WIKIPEDIA,
  type FakeWikipedia,
  type FakeWikipediaArticle,
} from "./wikipedia-format.js";
