/** What the fake model says in `--fake` mode: two calls to the MCP server's tools, then the answer. */
import type { FakeReply } from "@smol/testing";

export const DEFAULT_QUESTION =
  "It is 68 °F in New York and the marathon is 26.2 miles: what are these in celsius and kilometres?";

export const fakeReplies: FakeReply[] = [
  {
    toolCalls: [
      { name: "convert_temperature", arguments: { value: 68, from_unit: "fahrenheit", to_unit: "celsius" } },
      { name: "convert_length", arguments: { value: 26.2, from_unit: "mile", to_unit: "kilometre" } },
    ],
  },
  {
    toolCalls: [
      { name: "final_answer", arguments: { answer: "68 °F is 20 °C, and 26.2 miles is 42.165 km." } },
    ],
  },
];
