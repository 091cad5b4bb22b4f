/**
 * Typed results through the public API: `outputSchema` with zod 4, zod 3 and a JSON Schema on
 * a ToolCallingAgent (scripted model), and on a CodeAgent whose answer comes from real Python
 * in the local sandbox. The inferred types are checked by the root `tsc` (expectTypeOf).
 */
import {
  type ActionStep,
  AgentMaxStepsError,
  AgentOutputValidationError,
  CodeAgent,
  type RunResult,
  ToolCallingAgent,
} from "@smol/core";
import { LocalPythonExecutor } from "@smol/executor-local";
import { ScriptedModel } from "@smol/testing";
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { z as z3 } from "zod3";
import { answer, quiet } from "./__tests__/fixtures.js";

const city = z.object({
  name: z.string(),
  population: z.number().int(),
  tags: z.array(z.string()).default([]),
});

function actionSteps(agent: { memory: { steps: readonly { type: string }[] } }): ActionStep[] {
  return agent.memory.steps.filter((step): step is ActionStep => step.type === "action");
}

describe("outputSchema on a ToolCallingAgent", () => {
  it("resolves to the value the schema gives back, and shows the structure in the system prompt", async () => {
    const model = new ScriptedModel([answer({ name: "Paris", population: 2_100_000 })]);
    const agent = new ToolCallingAgent({ tools: [], model, outputSchema: city, ...quiet });

    const result = await agent.run("Describe Paris.");

    // The default of `tags` comes from zod: the answer went through the schema.
    expect(result).toEqual({ name: "Paris", population: 2_100_000, tags: [] });
    const system = model.calls[0]!.messages[0]!;
    expect(system.role).toBe("system");
    expect(JSON.stringify(system.content)).toContain('\\"population\\"');
    expect(JSON.stringify(system.content)).toContain("checked against a schema");
  });

  it("sends a failed validation back to the model as the step's error, then accepts the corrected answer", async () => {
    const model = new ScriptedModel([
      answer({ name: "Paris", population: "two million" }),
      answer({ name: "Paris", population: 2_100_000, tags: ["capital"] }),
    ]);
    const agent = new ToolCallingAgent({ tools: [], model, outputSchema: city, ...quiet });

    const result = await agent.run("Describe Paris.", { returnFullResult: true });

    expect(result.output).toEqual({ name: "Paris", population: 2_100_000, tags: ["capital"] });
    expect(result.state).toBe("success");
    const [first, second] = actionSteps(agent);
    expect(AgentOutputValidationError.isInstance(first!.error)).toBe(true);
    expect(first!.error!.message).toContain("population");
    expect(first!.isFinalAnswer).toBe(false);
    expect(second!.error).toBeUndefined();
    // The model read the error before its second answer.
    expect(JSON.stringify(model.calls[1]!.messages)).toContain("does not match the expected output schema");
  });

  it("accepts the JSON text of a matching object, and validates a zod 3 schema", async () => {
    const model = new ScriptedModel([answer('{"answer": 42}')]);
    const agent = new ToolCallingAgent({
      tools: [],
      model,
      outputSchema: z3.object({ answer: z3.number() }),
      ...quiet,
    });
    expect(await agent.run("The answer?")).toEqual({ answer: 42 });
    expect(JSON.stringify(model.calls[0]!.messages[0]!.content)).toContain('\\"answer\\"');
  });

  it("checks a plain JSON Schema (type, required, properties), typed as unknown", async () => {
    const schema = {
      type: "object",
      properties: { total: { type: "integer" } },
      required: ["total"],
    };
    const model = new ScriptedModel([answer({ sum: 3 }), answer({ total: 3.5 }), answer({ total: 3 })]);
    const agent = new ToolCallingAgent({ tools: [], model, outputSchema: schema, ...quiet });

    const result = await agent.run("Add 1 and 2.");

    expect(result).toEqual({ total: 3 });
    const errors = actionSteps(agent).map((step) => step.error?.message ?? "");
    expect(errors[0]).toContain('missing the key "total"');
    expect(errors[1]).toContain("must be an integer");
    expect(errors[2]).toBe("");
    expectTypeOf(result).toEqualTypeOf<unknown>();
  });

  it("ends with AgentMaxStepsError when the answer written from memory does not match", async () => {
    const model = new ScriptedModel([answer({ name: 1 }), "Paris, I think"]);
    const agent = new ToolCallingAgent({ tools: [], model, outputSchema: city, maxSteps: 1, ...quiet });
    await expect(agent.run("Describe Paris.")).rejects.toSatisfy((error) =>
      AgentMaxStepsError.isInstance(error),
    );
  });

  it("types run() from the schema, for agent.run and session.run", async () => {
    const model = new ScriptedModel([
      answer({ name: "Rome", population: 1 }),
      answer({ name: "Oslo", population: 2 }),
    ]);
    const agent = new ToolCallingAgent({ tools: [], model, outputSchema: city, ...quiet });
    const fromAgent = await agent.run("A city.");
    expectTypeOf(fromAgent).toEqualTypeOf<z.infer<typeof city>>();
    expectTypeOf(fromAgent.population).toBeNumber();

    await using session = agent.session();
    const full = await session.run("Another.", { returnFullResult: true });
    expectTypeOf(full).toEqualTypeOf<RunResult<{ name: string; population: number; tags: string[] }>>();
    expect(full.output.name).toBe("Oslo");

    // Type-level only: these functions are never called.
    const untyped = new ToolCallingAgent({ tools: [], model, ...quiet });
    expectTypeOf(() => untyped.run("?")).returns.toEqualTypeOf<Promise<unknown>>();
    const zod3Agent = new CodeAgent({ tools: [], model, outputSchema: z3.object({ n: z3.number() }) });
    expectTypeOf(() => zod3Agent.session().run("?")).returns.toEqualTypeOf<Promise<{ n: number }>>();
    // @ts-expect-error the answer is typed: a field the schema does not have is an error.
    fromAgent.country;
  });
});

describe("outputSchema on a CodeAgent, with real Python", () => {
  it("validates the dict Python gives final_answer as a JS object, and retries after a wrong one", async () => {
    const model = new ScriptedModel([
      'Thought: a first try.\n<code>\nfinal_answer({"name": "Lyon", "population": "big"})\n</code>',
      'Thought: fixed.\n<code>\nrow = {"name": "Lyon", "population": 520_000, "tags": ("river",)}\nfinal_answer(row)\n</code>',
    ]);
    await using agent = new CodeAgent({
      tools: [],
      model,
      executor: new LocalPythonExecutor(),
      outputSchema: city,
      ...quiet,
    });

    const result = await agent.run("Describe Lyon.");

    expect(result).toEqual({ name: "Lyon", population: 520_000, tags: ["river"] });
    expectTypeOf(result).toEqualTypeOf<z.infer<typeof city>>();
    const [first] = actionSteps(agent);
    expect(AgentOutputValidationError.isInstance(first!.error)).toBe(true);
  });
});
