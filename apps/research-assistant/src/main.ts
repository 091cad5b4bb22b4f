/**
 * `pnpm --filter @smol-examples/research-assistant start -- "your question"`, or `-- --fake`
 * to run against a local fake model and a local fake search engine.
 */

import { startFakeWebServer } from "@smol/testing";
import { chooseModel } from "@smol-examples/kit";
import { FAKE_QUESTION, fakeReplies } from "./fake-script.js";
import { createResearchAssistant } from "./research-assistant.js";

/** Runs the assistant once; resolves to its answer. */
export async function main(argv: readonly string[]): Promise<string> {
  const fake = argv.includes("--fake");
  const question =
    argv
      .filter((argument) => argument !== "--fake")
      .join(" ")
      .trim() || FAKE_QUESTION;
  await using chosen = await chooseModel({ fake, fakeReplies });
  await using web = fake ? await startFakeWebServer() : undefined;
  const search = web
    ? { engine: "bing" as const, endpoint: web.endpoints.bing, minIntervalSeconds: 0 }
    : undefined;
  console.log(`Model: ${chosen.description}`);
  await using assistant = createResearchAssistant({ model: chosen.model, search });
  const answer = String(await assistant.run(question));
  console.log(`\nAnswer: ${answer}`);
  return answer;
}
