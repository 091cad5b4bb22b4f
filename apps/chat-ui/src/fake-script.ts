/**
 * What the fake model says in `--fake` mode, to every message: one step of Python, run for real
 * in the sandbox, that ends with the answer. A function, so that the script never runs out.
 */
import type { FakeReply } from "@smol/testing";

export const FAKE_ANSWER_PREFIX = "This is the fake model.";

export function fakeReply(): FakeReply {
  return [
    "Thought: I compute something small in the sandbox, then answer.",
    "<code>",
    "import statistics",
    `final_answer(f"${FAKE_ANSWER_PREFIX} The mean of 1 to 10 is {statistics.mean(range(1, 11))}.")`,
    "</code>",
  ].join("\n");
}
