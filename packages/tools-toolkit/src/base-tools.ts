import { type BaseToolsOptions, registerBaseTools, type Tool } from "@smol/core";
import { PythonInterpreterTool } from "./python-interpreter/python-interpreter-tool.js";
import { VisitWebpageTool } from "./visit-webpage/visit-webpage-tool.js";
import { WebSearchTool } from "./web-search/web-search-tool.js";

/**
 * The tools `addBaseTools: true` gives an agent: web search (DuckDuckGo, no key) and visit
 * webpage for every agent, plus the Python interpreter for a ToolCallingAgent (a CodeAgent
 * already runs Python). New instances each time: agents do not share tool state.
 *
 * @example
 * baseTools({ codeAgent: false }).map((tool) => tool.name); // ["web_search", "visit_webpage", "python_interpreter"]
 */
export function baseTools({ codeAgent }: BaseToolsOptions): Tool[] {
  const tools: Tool[] = [new WebSearchTool(), new VisitWebpageTool()];
  if (!codeAgent) tools.push(new PythonInterpreterTool());
  return tools;
}

// Importing the package is what makes `addBaseTools: true` work: @smol/core does not depend on
// the toolkit, so the toolkit announces itself (package.json lists this file in `sideEffects`).
registerBaseTools(baseTools);
