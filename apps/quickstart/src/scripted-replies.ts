import type { FakeReply } from "@smol/testing";

/**
 * What the fake OpenAI server answers, in order: the replies a real model would give for the
 * quickstart's task (a tool call, then the final answer).
 */
export const quickstartReplies: FakeReply[] = [
  { content: "", toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }] },
  {
    content: "",
    toolCalls: [
      {
        name: "final_answer",
        arguments: { answer: "It is sunny in Paris today: 24 °C with a light west wind." },
      },
    ],
  },
];
