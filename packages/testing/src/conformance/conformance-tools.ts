import { tool } from "@smol/core";

/**
 * The tools the conformance suite gives the executor: positional and keyword arguments, an
 * optional argument, a failure, structured results. `calls` records what `add_numbers` received.
 */
export function conformanceTools(calls: unknown[]) {
  const addNumbers = tool(
    {
      name: "add_numbers",
      description: "Adds two integers.",
      inputs: {
        a: { type: "integer", description: "The first number." },
        b: { type: "integer", description: "The second number." },
      },
      outputType: "integer",
    },
    ({ a, b }) => {
      calls.push({ a, b });
      return a + b;
    },
  );
  const greet = tool(
    {
      name: "greet",
      description: "Greets someone.",
      inputs: {
        person: { type: "string", description: "Who to greet." },
        greeting: { type: "string", description: "The word to use.", nullable: true },
      },
      outputType: "string",
    },
    ({ person, greeting }) => `${greeting ?? "Hello"}, ${person}!`,
  );
  const flaky = tool(
    { name: "flaky_service", description: "Always fails.", inputs: {}, outputType: "string" },
    () => {
      throw new Error("service unavailable, try again later");
    },
  );
  const lookUpUser = tool(
    {
      name: "look_up_user",
      description: "Returns a user record.",
      inputs: { user_id: { type: "integer", description: "The user's id." } },
      outputType: "object",
    },
    ({ user_id }) => ({
      id: user_id,
      name: "Ada",
      tags: ["admin", "early"],
      address: { city: "London", zip: null },
    }),
  );
  const listPrimes = tool(
    { name: "list_primes", description: "The first primes.", inputs: {}, outputType: "array" },
    () => [2, 3, 5, 7, 11],
  );
  return { addNumbers, greet, flaky, lookUpUser, listPrimes };
}
