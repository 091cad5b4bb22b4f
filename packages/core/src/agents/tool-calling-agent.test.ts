import {
  type ActionStep,
  AgentParsingError,
  AgentToolCallError,
  AgentToolExecutionError,
  type ChatMessage,
  messageText,
  ToolCallingAgent,
  tool,
} from "@smol/core";
import { ScriptedModel } from "@smol/testing";
import { describe, expect, it } from "vitest";
import {
  answer,
  callTool,
  deferred,
  ModelDownloadTool,
  makeModelDownloadTool,
  makeWeatherTool,
  quiet,
} from "./__tests__/fixtures.js";

function actionSteps(agent: ToolCallingAgent): ActionStep[] {
  return agent.memory.steps.filter((step): step is ActionStep => step.type === "action");
}

function texts(messages: ChatMessage[]): string[] {
  return messages.map((message) => messageText(message));
}

describe("ToolCallingAgent: the seed's examples", () => {
  it("runs a tool made with tool() and returns the final answer", async () => {
    const seenTasks: string[] = [];
    const model = new ScriptedModel([
      callTool("model_download_tool", { task: "text-to-video" }),
      answer("ByteDance/AnimateDiff-Lightning"),
    ]);
    const agent = new ToolCallingAgent({ tools: [makeModelDownloadTool(seenTasks)], model, ...quiet });

    const result = await agent.run(
      "Can you give me the name of the model that has the most downloads in the 'text-to-video' task on the Hugging Face Hub?",
    );

    expect(result).toBe("ByteDance/AnimateDiff-Lightning");
    expect(seenTasks).toEqual(["text-to-video"]);
    const firstCall = model.calls[0]!;
    expect(firstCall.options.toolChoice).toBe("required");
    expect(firstCall.options.stopSequences).toEqual(["Observation:", "Calling tools:"]);
    expect(firstCall.options.toolsToCallFrom?.map((spec) => spec.name)).toEqual([
      "model_download_tool",
      "final_answer",
    ]);
    expect(firstCall.options.toolsToCallFrom?.[0]?.parameters).toMatchObject({
      type: "object",
      properties: { task: { type: "string" } },
      required: ["task"],
    });
    // The second call reads the observation of the first.
    expect(texts(model.calls[1]!.messages)).toContain(
      "Call id: call_0_0\nObservation:\nByteDance/AnimateDiff-Lightning",
    );
  });

  it("runs a Tool subclass", async () => {
    const downloadTool = new ModelDownloadTool();
    const model = new ScriptedModel([
      callTool("model_download_tool", { task: "text-classification" }),
      answer("done"),
    ]);
    const agent = new ToolCallingAgent({ tools: [downloadTool], model, ...quiet });

    await expect(agent.run("Most downloaded text-classification model?")).resolves.toBe("done");
    expect(downloadTool.seenTasks).toEqual(["text-classification"]);
    expect(actionSteps(agent)[0]!.observations).toContain("top-model-for-text-classification");
  });

  it("describes every tool and the instructions in its system prompt", () => {
    const agent = new ToolCallingAgent({
      tools: [makeModelDownloadTool(), makeWeatherTool()],
      model: new ScriptedModel([]),
      instructions: "Always answer in French.",
      ...quiet,
    });
    const prompt = agent.systemPrompt;
    expect(prompt).toContain("model_download_tool");
    expect(prompt).toContain("Gives the current weather in a city.");
    expect(prompt).toContain("final_answer");
    expect(prompt).toContain("Always answer in French.");
    expect(prompt).not.toMatch(/\{\{\s*\w+\s*\}\}/);
  });
});

describe("ToolCallingAgent: tool calls written as text", () => {
  it.each([
    ["the seed's tool_call shape", '{"tool_call": {"name": "get_weather", "arguments": {"city": "Paris"}}}'],
    [
      "a fenced blob with prose around",
      'Thought: I need the weather.\n```json\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n```\nDone.',
    ],
    ["an Action: prefix", 'Action:\n{"name": "get_weather", "arguments": {"city": "Paris"}}'],
    [
      "arguments encoded as a JSON string",
      '{"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}',
    ],
  ])("reads %s", async (_label, text) => {
    const cities: string[] = [];
    const model = new ScriptedModel([text, answer("ok")]);
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool(cities)], model, ...quiet });

    await expect(agent.run("Weather in Paris?")).resolves.toBe("ok");
    expect(cities).toEqual(["Paris"]);
  });

  it("takes a bare value as the only argument of final_answer", async () => {
    const model = new ScriptedModel(['{"name": "final_answer", "arguments": "Paris"}']);
    const agent = new ToolCallingAgent({ tools: [], model, ...quiet });
    await expect(agent.run("Capital of France?")).resolves.toBe("Paris");
  });

  it("stores a parsing error for malformed JSON, shows it to the model, and goes on", async () => {
    const model = new ScriptedModel([
      '{"name": "get_weather", "arguments": {"city": "Paris"',
      answer("recovered"),
    ]);
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool()], model, ...quiet });

    await expect(agent.run("Weather?")).resolves.toBe("recovered");
    const [failed] = actionSteps(agent);
    expect(AgentParsingError.isInstance(failed!.error)).toBe(true);
    expect(failed!.error!.message).toMatch(/not valid|never closed/);
    const retryInput = texts(model.calls[1]!.messages).join("\n");
    expect(retryInput).toContain(failed!.error!.message);
    expect(retryInput).toContain("Try again");
  });

  it("says so when the reply has no tool call at all", async () => {
    const model = new ScriptedModel(["I think it is sunny.", answer("sunny")]);
    const agent = new ToolCallingAgent({ tools: [], model, ...quiet });

    await expect(agent.run("Weather?")).resolves.toBe("sunny");
    expect(actionSteps(agent)[0]!.error?.message).toContain("no tool call");
  });

  it("says which keys a JSON object without a name has", async () => {
    const model = new ScriptedModel(['{"tool": "get_weather", "args": {}}', answer("ok")]);
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool()], model, ...quiet });

    await agent.run("Weather?");
    expect(actionSteps(agent)[0]!.error?.message).toContain('"tool", "args"');
  });
});

describe("ToolCallingAgent: errors of tool calls become observations", () => {
  it("answers native arguments that are not valid JSON with an error, without crashing", async () => {
    const cities: string[] = [];
    const model = new ScriptedModel([
      { toolCalls: [{ id: "bad", name: "get_weather", arguments: '{"city": "Par' }] },
      answer("ok"),
    ]);
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool(cities)], model, ...quiet });

    await expect(agent.run("Weather?")).resolves.toBe("ok");
    expect(cities).toEqual([]);
    const [step] = actionSteps(agent);
    expect(AgentToolCallError.isInstance(step!.error)).toBe(true);
    expect(step!.toolResults?.[0]?.observation).toContain("not valid JSON");
    expect(texts(model.calls[1]!.messages).some((text) => text.startsWith("Call id: bad\nError:"))).toBe(
      true,
    );
  });

  it("lists the available tools when the model calls an unknown one", async () => {
    const model = new ScriptedModel([callTool("get_wether", { city: "Paris" }), answer("ok")]);
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool()], model, ...quiet });

    await agent.run("Weather?");
    const error = actionSteps(agent)[0]!.error!;
    expect(AgentToolCallError.isInstance(error)).toBe(true);
    expect(error.message).toContain("no tool named 'get_wether'");
    expect(error.message).toContain("get_weather, final_answer");
  });

  it.each([
    ["a missing argument", {}],
    ["an argument of the wrong type", { city: 42 }],
    ["an unknown argument", { city: "Paris", country: "France" }],
  ])("validates arguments before running the tool: %s", async (_label, args) => {
    const cities: string[] = [];
    const model = new ScriptedModel([callTool("get_weather", args), answer("ok")]);
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool(cities)], model, ...quiet });

    await agent.run("Weather?");
    expect(cities).toEqual([]);
    const error = actionSteps(agent)[0]!.error!;
    expect(AgentToolCallError.isInstance(error)).toBe(true);
    expect(error.message).toContain("Invalid arguments for tool 'get_weather'");
  });

  it("turns a tool that throws into an observation that asks to try again", async () => {
    const failing = tool(
      { name: "flaky", description: "Always fails.", inputs: {}, outputType: "string" },
      async () => {
        throw new RangeError("the service is down");
      },
    );
    const model = new ScriptedModel([callTool("flaky"), answer("gave up")]);
    const agent = new ToolCallingAgent({ tools: [failing], model, ...quiet });

    await expect(agent.run("Use flaky")).resolves.toBe("gave up");
    const error = actionSteps(agent)[0]!.error!;
    expect(AgentToolExecutionError.isInstance(error)).toBe(true);
    expect(error.message).toContain("RangeError: the service is down");
    expect(error.message).toContain("try again");
  });

  it("refuses final_answer mixed with other calls, and runs none of them", async () => {
    const cities: string[] = [];
    const model = new ScriptedModel([
      {
        toolCalls: [
          { name: "get_weather", arguments: { city: "Paris" } },
          { name: "final_answer", arguments: { answer: "x" } },
        ],
      },
      answer("alone"),
    ]);
    const agent = new ToolCallingAgent({ tools: [makeWeatherTool(cities)], model, ...quiet });

    await expect(agent.run("Weather?")).resolves.toBe("alone");
    expect(cities).toEqual([]);
    const [first, second] = actionSteps(agent);
    expect(first!.isFinalAnswer).toBe(false);
    expect(first!.error?.message).toContain("final_answer together with other tools");
    expect(second!.isFinalAnswer).toBe(true);
  });
});

describe("ToolCallingAgent: parallel tool calls", () => {
  it("runs the calls of one step concurrently, each with its own tool response", async () => {
    // Each tool waits until the other has started: run one after the other, they would never end.
    const started = { left: deferred(), right: deferred() };
    const left = tool(
      { name: "left", description: "Left half.", inputs: {}, outputType: "string" },
      async () => {
        started.left.resolve();
        await started.right.promise;
        return "L";
      },
    );
    const right = tool(
      { name: "right", description: "Right half.", inputs: {}, outputType: "string" },
      async () => {
        started.right.resolve();
        await started.left.promise;
        return "R";
      },
    );
    const model = new ScriptedModel([
      {
        toolCalls: [
          { id: "a", name: "left" },
          { id: "b", name: "right" },
        ],
      },
      answer("LR"),
    ]);
    const agent = new ToolCallingAgent({ tools: [left, right], model, ...quiet });

    await expect(agent.run("Both halves")).resolves.toBe("LR");
    const [step] = actionSteps(agent);
    expect(step!.toolResults?.map((result) => [result.id, result.observation])).toEqual([
      ["a", "L"],
      ["b", "R"],
    ]);
    const responses = model.calls[1]!.messages.filter((message) => message.role === "tool-response").map(
      messageText,
    );
    expect(responses).toEqual(["Call id: a\nObservation:\nL", "Call id: b\nObservation:\nR"]);
  });

  it("keeps at most maxToolThreads calls running at once", async () => {
    let running = 0;
    let mostAtOnce = 0;
    const slow = tool(
      {
        name: "slow",
        description: "Yields a few times.",
        inputs: { n: { type: "integer", description: "n" } },
        outputType: "integer",
      },
      async ({ n }) => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
        running -= 1;
        return n;
      },
    );
    const calls = [1, 2, 3, 4, 5].map((n) => ({ name: "slow", arguments: { n } }));
    const model = new ScriptedModel([{ toolCalls: calls }, { toolCalls: calls }, answer("done")]);
    const bounded = new ToolCallingAgent({ tools: [slow], model, maxToolThreads: 2, ...quiet });

    await bounded.run("Five slow calls, twice");
    expect(mostAtOnce).toBe(2);
    expect(actionSteps(bounded)[0]!.toolResults?.map((result) => result.output)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe("ToolCallingAgent: state", () => {
  it("replaces string arguments naming a state key, and a final answer naming one", async () => {
    const received: string[] = [];
    const count = tool(
      {
        name: "count_words",
        description: "Counts the words of a text.",
        inputs: { text: { type: "string", description: "The text." } },
        outputType: "integer",
      },
      async ({ text }) => {
        received.push(text);
        return text.split(/\s+/).length;
      },
    );
    const model = new ScriptedModel([callTool("count_words", { text: "document" }), answer("document")]);
    const agent = new ToolCallingAgent({ tools: [count], model, ...quiet });

    const output = await agent.run("How many words in the document?", {
      additionalArgs: { document: "one two three" },
    });

    expect(received).toEqual(["one two three"]);
    expect(output).toBe("one two three");
    expect(agent.state.document).toBe("one two three");
    expect(agent.task).toContain('"document":"one two three"');
    expect(messageText(model.calls[0]!.messages[1]!)).toContain("additional arguments");
  });

  it("stores an image output in the state and names its key in the observation", async () => {
    const png = new Uint8Array([137, 80, 78, 71]);
    const draw = tool(
      { name: "draw", description: "Draws.", inputs: {}, outputType: "image" },
      async () => png,
    );
    const model = new ScriptedModel([callTool("draw"), answer("drawn")]);
    const agent = new ToolCallingAgent({ tools: [draw], model, ...quiet });

    await agent.run("Draw something");
    expect(agent.state["image.png"]).toBe(png);
    expect(actionSteps(agent)[0]!.toolResults?.[0]?.observation).toContain("'image.png'");
  });
});

describe("ToolCallingAgent: streamed model output", () => {
  it("yields the deltas and runs the tool calls they add up to", async () => {
    const cities: string[] = [];
    const model = new ScriptedModel([
      { content: "Let me check.", toolCalls: [{ name: "get_weather", arguments: { city: "Rome" } }] },
      answer("warm"),
    ]);
    const agent = new ToolCallingAgent({
      tools: [makeWeatherTool(cities)],
      model,
      streamOutputs: true,
      ...quiet,
    });

    const deltas: string[] = [];
    let output: unknown;
    for await (const event of agent.run("Weather in Rome?", { stream: true })) {
      if (event.type === "stream-delta" && event.delta.content) deltas.push(event.delta.content);
      if (event.type === "final-answer") output = event.output;
    }
    expect(deltas.join("")).toBe("Let me check.");
    expect(cities).toEqual(["Rome"]);
    expect(output).toBe("warm");
    expect(actionSteps(agent)[0]!.modelOutput).toBe("Let me check.");
  });
});
