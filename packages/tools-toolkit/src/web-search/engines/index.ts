import type { SearchEngine } from "../search-engine.js";
import { bingEngine } from "./bing.js";
import { braveEngine } from "./brave.js";
import { duckDuckGoEngine } from "./duckduckgo.js";
import { exaEngine } from "./exa.js";
import { serpApiEngine } from "./serpapi.js";
import { serperEngine } from "./serper.js";

/** Every engine `WebSearchTool` can use, by the name its `engine` option takes. */
export const SEARCH_ENGINES = {
  duckduckgo: duckDuckGoEngine,
  bing: bingEngine,
  brave: braveEngine,
  serper: serperEngine,
  serpapi: serpApiEngine,
  exa: exaEngine,
} as const satisfies Record<string, SearchEngine>;

export type SearchEngineName = keyof typeof SEARCH_ENGINES;

export { unwrapDuckDuckGoLink } from "./duckduckgo.js";
