/**
 * A data analyst: a CodeAgent that gets a CSV file's text as a variable and answers questions
 * about it with Python's standard library (csv, statistics) in the local sandbox. The sandbox
 * cannot read your files: the data goes in as a variable (`additionalArgs`), not as a path.
 */
import { CodeAgent, type LogLevel, type Model } from "@smol/core";

export interface DataAnalystOptions {
  model: Model;
  verbosityLevel?: LogLevel;
}

export function createDataAnalyst({ model, verbosityLevel }: DataAnalystOptions): CodeAgent {
  return new CodeAgent({
    tools: [],
    model,
    executorType: "local",
    executorOptions: { timeoutSeconds: 30, memoryLimitMb: 512 },
    additionalAuthorizedImports: ["csv", "io"],
    instructions:
      "The variable `csv_text` holds the CSV data. Parse it with csv.DictReader(io.StringIO(csv_text)). " +
      "Answer with a dict of numbers rounded to 2 decimals.",
    maxSteps: 6,
    verbosityLevel,
  });
}

/** Asks `question` about `csvText`; resolves to the agent's answer. */
export async function analyse(agent: CodeAgent, csvText: string, question: string): Promise<unknown> {
  return agent.run(question, { additionalArgs: { csv_text: csvText } });
}
