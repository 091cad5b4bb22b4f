/**
 * `pnpm --filter @smol-examples/data-analysis start -- [file.csv] ["question"]`, or `-- --fake`
 * to run the bundled sales.csv against a local fake model (the Python still runs for real).
 */
import { readFile } from "node:fs/promises";
import { chooseModel } from "@smol-examples/kit";
import { analyse, createDataAnalyst } from "./data-analyst.js";
import { DEFAULT_QUESTION, fakeReplies } from "./fake-script.js";

const BUNDLED_CSV = new URL("./sales.csv", import.meta.url);

/** Runs the analysis once; resolves to the agent's answer. */
export async function main(argv: readonly string[]): Promise<unknown> {
  const fake = argv.includes("--fake");
  const [file, ...questionWords] = argv.filter((argument) => argument !== "--fake");
  const csvText = await readFile(file ?? BUNDLED_CSV, "utf8");
  const question = questionWords.join(" ").trim() || DEFAULT_QUESTION;
  await using chosen = await chooseModel({ fake, fakeReplies });
  console.log(`Model: ${chosen.description}`);
  await using analyst = createDataAnalyst({ model: chosen.model });
  const answer = await analyse(analyst, csvText, question);
  console.log(`\nAnswer: ${JSON.stringify(answer, null, 2)}`);
  return answer;
}
