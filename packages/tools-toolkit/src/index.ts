/**
 * @smol/tools-toolkit: the default toolbox (web search, visit webpage, Wikipedia, Python
 * interpreter, user input, speech to text) and MCP tool collections.
 *
 * Importing it registers the base tools, so that `addBaseTools: true` works:
 * `import "@smol/tools-toolkit";`
 */
import "./base-tools.js";

export { FinalAnswerTool } from "@smol/core";
export { baseTools } from "./base-tools.js";
export { McpConnectionError, ToolConfigurationError, ToolSetupError } from "./errors.js";
export { DEFAULT_USER_AGENT, type FetchFunction } from "./http/fetch.js";
export { MCPClient, type MCPClientOptions } from "./mcp/mcp-client.js";
export { contentText, McpTool, type McpToolOptions } from "./mcp/mcp-tool.js";
export {
  type AgentMcpServerOptions,
  createAgentMcpServer,
  type ServableAgent,
  serveAgentOverStdio,
} from "./mcp/serve-agent.js";
export type {
  HttpServerParameters,
  McpServerParameters,
  StdioServerParameters,
} from "./mcp/server-parameters.js";
export { type FromMcpOptions, ToolCollection } from "./mcp/tool-collection.js";
export {
  formatRun,
  PythonInterpreterTool,
  type PythonInterpreterToolOptions,
} from "./python-interpreter/python-interpreter-tool.js";
export { type AudioSource, AudioSourceError } from "./speech-to-text/audio-source.js";
export {
  DEFAULT_SPEECH_MODEL,
  SpeechToTextTool,
  type SpeechToTextToolOptions,
} from "./speech-to-text/speech-to-text-tool.js";
export {
  AudioFormatError,
  type DecodedWav,
  decodeWav,
  encodeWav,
  resample,
  toMono,
  WHISPER_SAMPLE_RATE,
} from "./speech-to-text/wav.js";
export { UserInputTool, type UserInputToolOptions } from "./user-input/user-input-tool.js";
export { htmlToMarkdown, type PageMarkdown } from "./visit-webpage/html-to-markdown.js";
export {
  truncateText,
  VisitWebpageTool,
  type VisitWebpageToolOptions,
} from "./visit-webpage/visit-webpage-tool.js";
export { SEARCH_ENGINES, type SearchEngineName, unwrapDuckDuckGoLink } from "./web-search/engines/index.js";
export { formatResults } from "./web-search/format-results.js";
export { GoogleSearchTool, type GoogleSearchToolOptions } from "./web-search/google-search-tool.js";
export type { SearchEngine, SearchQuery, SearchResult } from "./web-search/search-engine.js";
export type { SearchToolOptions } from "./web-search/search-options.js";
export {
  DuckDuckGoSearchTool,
  type DuckDuckGoSearchToolOptions,
  WebSearchTool,
  type WebSearchToolOptions,
} from "./web-search/web-search-tool.js";
export { WikipediaSearchTool, type WikipediaSearchToolOptions } from "./wikipedia/wikipedia-search-tool.js";
