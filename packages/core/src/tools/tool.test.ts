import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { AgentToolCallError, ToolDefinitionError } from "../errors.js";
import { FinalAnswerTool } from "./final-answer-tool.js";
import { tool } from "./function-tool.js";
import { Tool } from "./tool.js";

// The seed's two ways of writing a tool ("Créer un nouvel outil").
const modelDownloadTool = tool(
  {
    name: "model_download_tool",
    description: "Returns the most downloaded model of a given task on the Hub.",
    inputs: { task: { type: "string", description: "The task." } },
    outputType: "string",
  },
  async ({ task }) => `top-model-for-${task}`,
);

class ModelDownloadTool extends Tool {
  name = "model_download_tool";
  description = "Returns the most downloaded model of a given task on the Hub.";
  inputs = { task: { type: "string", description: "The task." } } as const;
  outputType = "string" as const;
  async forward({ task }: { task: string }) {
    return `top-model-for-${task}`;
  }
}

// The same without `as const`: plain field initializers widen `type` to `string`.
class PlainFieldsTool extends Tool {
  name = "plain_fields";
  description = "Repeats a word.";
  inputs = {
    word: { type: "string", description: "The word." },
    times: { type: "integer", description: "How many times.", nullable: true },
  };
  outputType = "string";
  forward({ word, times }: { word: string; times?: number | null }) {
    return word.repeat(times ?? 1);
  }
}

describe("tool() and Tool subclasses", () => {
  it("runs the seed's function tool with keyword arguments", async () => {
    expect(modelDownloadTool).toBeInstanceOf(Tool);
    expect(await modelDownloadTool.call({ task: "text-classification" })).toBe(
      "top-model-for-text-classification",
    );
  });

  it("runs the seed's subclass tool", async () => {
    const downloadTool = new ModelDownloadTool();
    downloadTool.validate();
    expect(await downloadTool.call({ task: "asr" })).toBe("top-model-for-asr");
  });

  it("accepts plain field declarations without as const", async () => {
    const plain = new PlainFieldsTool();
    expect(await plain.call({ word: "ab", times: 3 })).toBe("ababab");
    expect(await plain.call({ word: "ab" })).toBe("ab");
  });

  it("types the function's arguments from dict inputs", () => {
    tool(
      {
        name: "typed",
        description: "Typed arguments.",
        inputs: {
          text: { type: "string", description: "Text." },
          count: { type: "integer", description: "Count.", nullable: true },
          mode: { type: "string", description: "Mode.", enum: ["fast", "slow"] },
          either: { type: ["string", "number"], description: "Either." },
          anything: { type: "any", description: "Anything." },
        },
        outputType: "string",
      },
      (args) => {
        expectTypeOf(args.text).toEqualTypeOf<string>();
        expectTypeOf(args.count).toEqualTypeOf<number | null | undefined>();
        expectTypeOf(args.mode).toEqualTypeOf<"fast" | "slow">();
        expectTypeOf(args.either).toEqualTypeOf<string | number>();
        expectTypeOf(args.anything).toEqualTypeOf<unknown>();
        return "";
      },
    );
  });

  it("runs a tool with zod inputs, typed from the schema", async () => {
    const add = tool(
      {
        name: "add",
        description: "Adds two integers.",
        inputs: z.object({
          a: z.number().int().describe("First term."),
          b: z.number().int().describe("Second term."),
          label: z.string().optional().describe("A label for the sum."),
        }),
        outputType: "string",
      },
      ({ a, b, label }) => {
        expectTypeOf(a).toEqualTypeOf<number>();
        expectTypeOf(label).toEqualTypeOf<string | undefined>();
        return `${label ?? "sum"}=${a + b}`;
      },
    );
    expect(await add.call({ a: 2, b: 3 })).toBe("sum=5");
    expect(await add.call({ a: 2, b: 3, label: null })).toBe("sum=5");
    expect(await add.call([2, 3, "total"])).toBe("total=5");
    await expect(add.call({ a: "2", b: 3 })).rejects.toThrow(/argument "a"/);
  });

  it("validates a tool() definition immediately", () => {
    expect(() =>
      tool({ name: "bad name", description: "Broken.", inputs: {}, outputType: "string" }, () => "never"),
    ).toThrow(ToolDefinitionError);
  });

  it("validates a subclass lazily on its first call", async () => {
    class BadlyNamedTool extends Tool {
      name = "2fast";
      description = "Starts with a digit.";
      inputs = {};
      outputType = "string";
      forward() {
        return "ran";
      }
    }
    await expect(new BadlyNamedTool().call({})).rejects.toThrow(ToolDefinitionError);
  });
});

describe("Tool.call", () => {
  const search = tool(
    {
      name: "search",
      description: "Searches.",
      inputs: {
        limit: { type: "integer", description: "Maximum results.", nullable: true },
        query: { type: "string", description: "What to look for." },
      },
      outputType: "object",
    },
    (args) => args,
  );

  it("maps positional arguments in signature order (required first)", async () => {
    expect(search.parameterNames).toEqual(["query", "limit"]);
    expect(await search.call(["smol", 3])).toEqual({ query: "smol", limit: 3 });
    expect(await search.call(["smol"])).toEqual({ query: "smol" });
  });

  it("takes a single object of argument names as keyword arguments", async () => {
    expect(await search.call([{ query: "smol", limit: 2 }])).toEqual({ query: "smol", limit: 2 });
  });

  it("takes a single object as a positional value when its keys are not argument names", async () => {
    expect(await new FinalAnswerTool().call([{ city: "Paris" }])).toEqual({ city: "Paris" });
    expect(await new FinalAnswerTool().call([{ answer: 42 }])).toBe(42);
  });

  it("rejects too many positional arguments with the expected signature", async () => {
    const error = await search.call(["smol", 3, "extra"]).catch((caught: unknown) => caught);
    expect(AgentToolCallError.isInstance(error)).toBe(true);
    expect((error as AgentToolCallError).toolName).toBe("search");
    expect((error as Error).message).toBe(
      'Invalid arguments for tool "search":\n' +
        "- 3 positional arguments were given, but the tool takes at most 2\n" +
        "Expected: search(query: string, limit?: integer)",
    );
  });

  it("throws AgentToolCallError with the tool name on invalid arguments", async () => {
    const error = await search.call({ limit: 2 }).catch((caught: unknown) => caught);
    expect(AgentToolCallError.isInstance(error)).toBe(true);
    expect((error as AgentToolCallError).toolName).toBe("search");
    expect((error as Error).message).toContain('missing required argument "query"');
  });

  it("lets errors thrown by forward propagate unchanged", async () => {
    const failure = new RangeError("out of range");
    const failing = tool(
      { name: "failing", description: "Always fails.", inputs: {}, outputType: "null" },
      () => {
        throw failure;
      },
    );
    await expect(failing.call({})).rejects.toBe(failure);
  });

  it("passes the abort signal to forward and refuses an aborted call", async () => {
    let received: AbortSignal | undefined;
    const watcher = tool(
      { name: "watcher", description: "Watches.", inputs: {}, outputType: "null" },
      (_, options) => {
        received = options.signal;
        return null;
      },
    );
    const controller = new AbortController();
    await watcher.call({}, { signal: controller.signal });
    expect(received).toBe(controller.signal);
    controller.abort();
    await expect(watcher.call({}, { signal: controller.signal })).rejects.toThrow();
  });
});

describe("Tool.setup", () => {
  class CountingTool extends Tool {
    name = "counting";
    description = "Counts setups.";
    inputs = {};
    outputType = "integer";
    setups = 0;
    releaseSetup: () => void = () => {};
    // Declared before setupStarted: field initializers run in order.
    markStarted: () => void = () => {};
    readonly setupStarted = new Promise<void>((resolve) => {
      this.markStarted = resolve;
    });

    override async setup() {
      this.setups += 1;
      this.markStarted();
      await new Promise<void>((resolve) => {
        this.releaseSetup = resolve;
      });
    }

    forward() {
      return this.setups;
    }
  }

  it("runs once, lazily, even when the first calls are concurrent", async () => {
    const counting = new CountingTool();
    expect(counting.setups).toBe(0);
    const calls = [counting.call({}), counting.call({}), counting.call({})];
    await counting.setupStarted;
    expect(counting.isInitialized).toBe(false);
    counting.releaseSetup();
    expect(await Promise.all(calls)).toEqual([1, 1, 1]);
    expect(await counting.call({})).toBe(1);
    expect(counting.isInitialized).toBe(true);
  });

  it("retries a setup that failed", async () => {
    let attempts = 0;
    class FlakyTool extends Tool {
      name = "flaky";
      description = "Fails its first setup.";
      inputs = {};
      outputType = "string";
      override setup() {
        attempts += 1;
        if (attempts === 1) throw new Error("not yet");
      }
      forward() {
        return "ready";
      }
    }
    const flaky = new FlakyTool();
    await expect(flaky.call({})).rejects.toThrow("not yet");
    expect(await flaky.call({})).toBe("ready");
    expect(attempts).toBe(2);
  });
});

describe("Tool.toDict and FinalAnswerTool", () => {
  it("describes the tool without code", () => {
    expect(modelDownloadTool.toDict()).toEqual({
      name: "model_download_tool",
      description: "Returns the most downloaded model of a given task on the Hub.",
      inputs: { task: { type: "string", description: "The task." } },
      outputType: "string",
    });
    const structured = tool(
      {
        name: "lookup",
        description: "Looks up.",
        inputs: {},
        outputType: "object",
        outputSchema: { type: "object", properties: { id: { type: "string" } } },
      },
      () => ({ id: "x" }),
    );
    expect(structured.toDict().outputSchema).toEqual({
      type: "object",
      properties: { id: { type: "string" } },
    });
  });

  it("returns the answer it is given", async () => {
    const finalAnswer = new FinalAnswerTool();
    finalAnswer.validate();
    expect(finalAnswer.name).toBe("final_answer");
    expect(finalAnswer.inputSchema).toEqual({
      answer: { type: "any", description: "The final answer to the problem" },
    });
    expect(await finalAnswer.call({ answer: [1, 2] })).toEqual([1, 2]);
    expect(await finalAnswer.call(["done"])).toBe("done");
  });
});
