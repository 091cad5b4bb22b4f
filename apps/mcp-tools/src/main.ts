/**
 * `pnpm --filter @smol-examples/mcp-tools start -- "your question"`, or `-- --fake` to run against
 * a local fake model (the MCP server and its tools still run for real).
 */
import { chooseModel } from "@smol-examples/kit";
import { DEFAULT_QUESTION, fakeReplies } from "./fake-script.js";
import { serverFromEnvironment, startMcpAgent } from "./mcp-agent.js";

export interface McpToolsRun {
  answer: string;
  /** What the model read, as chat messages: the tools' observations are there. */
  transcript: string;
}

export async function main(argv: readonly string[]): Promise<McpToolsRun> {
  const fake = argv.includes("--fake");
  const question =
    argv
      .filter((argument) => argument !== "--fake")
      .join(" ")
      .trim() || DEFAULT_QUESTION;
  await using chosen = await chooseModel({ fake, fakeReplies });
  await using session = await startMcpAgent(
    chosen.model,
    fake ? serverFromEnvironment({}) : serverFromEnvironment(),
  );
  console.log(`Model: ${chosen.description}\nMCP tools: ${session.toolNames.join(", ")}`);
  const answer = String(await session.agent.run(question));
  console.log(`\nAnswer: ${answer}`);
  return { answer, transcript: JSON.stringify(session.agent.writeMemoryToMessages()) };
}
