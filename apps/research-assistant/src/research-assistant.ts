/**
 * A research assistant: a CodeAgent manager that delegates web research to a ToolCallingAgent
 * with web search and page visits, then writes the answer from what it reports.
 */
import { CodeAgent, type LogLevel, type Model, ToolCallingAgent } from "@smol/core";
import { VisitWebpageTool, WebSearchTool, type WebSearchToolOptions } from "@smol/tools-toolkit";

export interface ResearchAssistantOptions {
  model: Model;
  /** Where the web search goes; DuckDuckGo by default. */
  search?: WebSearchToolOptions;
  verbosityLevel?: LogLevel;
}

/** The manager agent, with its web researcher as a managed agent. Dispose of it when done. */
export function createResearchAssistant({
  model,
  search,
  verbosityLevel,
}: ResearchAssistantOptions): CodeAgent {
  const webResearcher = new ToolCallingAgent({
    tools: [new WebSearchTool(search), new VisitWebpageTool()],
    model,
    name: "web_researcher",
    description:
      "Searches the web and reads pages to answer one precise question. Give it the question as `task`; " +
      "it reports what it found, with the sources.",
    maxSteps: 8,
    verbosityLevel,
  });
  return new CodeAgent({
    tools: [],
    model,
    managedAgents: [webResearcher],
    instructions: "Cite the sources your researcher gives you in the final answer.",
    maxSteps: 10,
    verbosityLevel,
  });
}
