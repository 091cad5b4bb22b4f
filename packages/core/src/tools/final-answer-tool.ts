import { Tool } from "./tool.js";
import type { ToolInputs, ToolOutputType } from "./types.js";

/**
 * `final_answer(answer)`: every agent has it; calling it ends the run with `answer`.
 * A user tool with the same name replaces it.
 *
 * @example
 * await new FinalAnswerTool().call({ answer: 42 }); // 42
 */
export class FinalAnswerTool extends Tool {
  name = "final_answer";
  description = "Gives the final answer to the problem and ends the run.";
  inputs = { answer: { type: "any", description: "The final answer to the problem" } } satisfies ToolInputs;
  outputType: ToolOutputType = "any";

  forward({ answer }: { answer: unknown }): unknown {
    return answer;
  }
}
