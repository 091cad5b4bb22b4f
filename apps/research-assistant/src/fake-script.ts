/**
 * What the fake model says in `--fake` mode: the manager delegates to its researcher, the
 * researcher searches (against a local fake search engine) and reports, the manager answers.
 * Requests reach the fake server in this order because the manager's code waits for its researcher.
 */
import type { FakeReply } from "@smol/testing";

export const FAKE_QUESTION = "What is smol, and where does its name come from?";

export const fakeReplies: FakeReply[] = [
  [
    "Thought: I ask my researcher, then answer with its report.",
    "<code>",
    'report = web_researcher(task="What is smol and where does its name come from?")',
    "print(report)",
    "final_answer(report)",
    "</code>",
  ].join("\n"),
  { toolCalls: [{ name: "web_search", arguments: { query: "smol agents TypeScript" } }] },
  {
    toolCalls: [
      {
        name: "final_answer",
        arguments: {
          answer:
            "smol is the TypeScript home of Hugging Face's smolagents: agents that think in code. " +
            "Source: the search results for 'smol agents TypeScript'.",
        },
      },
    ],
  },
];
