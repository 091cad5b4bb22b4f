import { CliUsageError } from "../errors.js";
import { suggestion } from "../suggestion.js";

/** The toolkit's tools by the name the model calls them, with the class that provides each. */
export const TOOLKIT_TOOLS = {
  web_search: { className: "WebSearchTool", summary: "search the web (DuckDuckGo, no key)" },
  visit_webpage: { className: "VisitWebpageTool", summary: "read a web page as markdown" },
  wikipedia_search: { className: "WikipediaSearchTool", summary: "search Wikipedia" },
  python_interpreter: { className: "PythonInterpreterTool", summary: "run Python (for tool_calling agents)" },
  user_input: { className: "UserInputTool", summary: "ask you a question during the run" },
  transcriber: { className: "SpeechToTextTool", summary: "transcribe audio (Whisper, local)" },
} as const;

export type ToolkitToolName = keyof typeof TOOLKIT_TOOLS;
export const TOOLKIT_TOOL_NAMES = Object.keys(TOOLKIT_TOOLS) as ToolkitToolName[];

/** How to reach one MCP server, as written after `mcp:`. */
export type McpServerSpec =
  | { transport: "stdio"; command: string; args: string[] }
  | { transport: "streamable-http" | "sse"; url: string };

export type ToolSpec =
  | { kind: "toolkit"; name: ToolkitToolName }
  | { kind: "mcp"; server: McpServerSpec; text: string };

/**
 * Reads `--tools` values. Each value lists toolkit tool names separated by spaces or commas;
 * an MCP server is written `mcp:stdio:<command line>`, `mcp:http:<url>` (Streamable HTTP),
 * `mcp:sse:<url>` or just `mcp:<http(s) url>`, and takes the rest of its value: give it its own
 * `--tools`, or put it last.
 *
 * @example
 * parseToolSpecs(["web_search visit_webpage", "mcp:stdio:npx -y @modelcontextprotocol/server-everything"], "--tools");
 */
export function parseToolSpecs(values: readonly string[], source: string): ToolSpec[] {
  const specs: ToolSpec[] = [];
  for (const value of values) {
    let rest = value.trim();
    while (rest !== "") {
      if (rest.startsWith("mcp:")) {
        specs.push({ kind: "mcp", server: parseMcpServer(rest, source), text: rest });
        break;
      }
      const match = /^([^\s,]+)[\s,]*/.exec(rest)!;
      specs.push({ kind: "toolkit", name: toolkitName(match[1]!, source) });
      rest = rest.slice(match[0].length);
    }
  }
  return dedupe(specs);
}

function toolkitName(name: string, source: string): ToolkitToolName {
  if ((TOOLKIT_TOOL_NAMES as string[]).includes(name)) return name as ToolkitToolName;
  throw new CliUsageError(
    `${source}: unknown tool "${name}"${suggestion(name, TOOLKIT_TOOL_NAMES)}; the tools are ` +
      `${TOOLKIT_TOOL_NAMES.join(", ")}, or an MCP server (mcp:stdio:<command>, mcp:http:<url>).`,
  );
}

function parseMcpServer(text: string, source: string): McpServerSpec {
  const body = text.slice("mcp:".length);
  const prefix = /^(stdio|http|sse):/.exec(body)?.[1];
  const target = prefix ? body.slice(prefix.length + 1).trim() : body.trim();
  if (prefix === "stdio") {
    const [command, ...args] = splitCommandLine(target, source);
    if (!command)
      throw new CliUsageError(`${source}: "${text}" names no command; write mcp:stdio:<command> [args…].`);
    return { transport: "stdio", command, args };
  }
  if (!/^https?:\/\/\S+$/.test(target)) {
    throw new CliUsageError(
      `${source}: "${text}" is not an MCP server; write mcp:stdio:<command>, mcp:http:<url>, mcp:sse:<url> or mcp:<url>.`,
    );
  }
  return { transport: prefix === "sse" ? "sse" : "streamable-http", url: target };
}

/**
 * Splits a command line into words as a shell would for simple cases: spaces separate words,
 * single and double quotes group them, a backslash escapes the next character.
 */
export function splitCommandLine(commandLine: string, source: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: string | undefined;
  for (let index = 0; index < commandLine.length; index += 1) {
    const character = commandLine[index]!;
    if (quote) {
      if (character === quote) quote = undefined;
      else if (character === "\\" && quote === '"' && index + 1 < commandLine.length)
        word += commandLine[++index];
      else word += character;
    } else if (character === "'" || character === '"') {
      quote = character;
      inWord = true;
    } else if (character === "\\" && index + 1 < commandLine.length) {
      word += commandLine[++index];
      inWord = true;
    } else if (/\s/.test(character)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += character;
      inWord = true;
    }
  }
  if (quote) throw new CliUsageError(`${source}: unclosed ${quote} in "${commandLine}".`);
  if (inWord) words.push(word);
  return words;
}

function dedupe(specs: ToolSpec[]): ToolSpec[] {
  const seen = new Set<string>();
  return specs.filter((spec) => {
    const key = spec.kind === "toolkit" ? spec.name : spec.text;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
