import {
  ActionStep,
  type AgentEvent,
  AgentGenerationError,
  AgentInterruptedError,
  AgentToolExecutionError,
  FinalAnswerStep,
  PlanningStep,
  Timing,
} from "@smol/core";
import { describe, expect, it } from "vitest";
import { sniffMedia, toMediaView } from "./media.js";
import { formatArguments, logsOf, RunPresenter, thoughtWithoutCode } from "./run-presenter.js";

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const wav = new Uint8Array([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x41, 0x56, 0x45]);

function codeStep(stepNumber: number, code: string, modelOutput: string): ActionStep {
  const step = new ActionStep(stepNumber, new Timing(1_000, 2_500));
  step.modelOutput = modelOutput;
  step.codeAction = code;
  step.observations = "Execution logs:\n42\nLast output from code snippet:\nNone";
  step.tokenUsage = { inputTokens: 1200, outputTokens: 80 };
  return step;
}

describe("RunPresenter", () => {
  it("shows a CodeAgent step: the thought without its code, the code highlighted once, the logs, the footer", () => {
    const presenter = new RunPresenter();
    const code = "print(6 * 7)";
    const modelOutput = `Thought: I will compute it.\n<code>\n${code}\n</code>`;
    const events: AgentEvent[] = [
      { type: "stream-delta", delta: { content: "Thought: I will" } },
      { type: "tool-call", toolCall: { id: "call_1", name: "python_interpreter", arguments: code } },
      { type: "action-output", output: undefined, isFinalAnswer: false },
      { type: "action-step", step: codeStep(1, code, modelOutput) },
    ];
    const views = events.flatMap((event) => presenter.present(event));
    expect(views.map((view) => view.kind)).toEqual(["delta", "tool-call", "step"]);
    expect(views[0]).toEqual({ kind: "delta", step: 1, text: "Thought: I will" });
    expect(views[1]).toMatchObject({ kind: "tool-call", step: 1, name: "python_interpreter" });
    expect(views[1]).toHaveProperty("code", [
      ["builtin", "print"],
      ["text", "("],
      ["number", "6"],
      ["text", " * "],
      ["number", "7"],
      ["text", ")"],
    ]);
    const step = views[2]!;
    expect(step).toMatchObject({
      kind: "step",
      step: 1,
      thought: "Thought: I will compute it.",
      logs: "42\nLast output from code snippet:\nNone",
      footer: { durationSeconds: 1.5, inputTokens: 1200, outputTokens: 80 },
      isFinalAnswer: false,
      failedToolCalls: [],
    });
    // Shown at the tool call already: not twice.
    expect(step).not.toHaveProperty("code");
  });

  it("shows the code with the step when no tool call carried it, and numbers later steps", () => {
    const presenter = new RunPresenter();
    presenter.present({ type: "action-step", step: codeStep(1, "x = 1", "<code>x = 1</code>") });
    const [view] = presenter.present({
      type: "action-step",
      step: codeStep(2, "y = 2", "```py\ny = 2\n```"),
    });
    expect(view).toMatchObject({
      kind: "step",
      step: 2,
      thought: "",
      code: [
        ["text", "y = "],
        ["number", "2"],
      ],
    });
    expect(presenter.present({ type: "stream-delta", delta: { content: "next" } })).toEqual([
      { kind: "delta", step: 3, text: "next" },
    ]);
  });

  it("shows tool outputs once, and marks a failed call rather than repeating its error", () => {
    const presenter = new RunPresenter();
    const call = { id: "call_0", name: "get_weather", arguments: { city: "Oslo" } };
    const error = new AgentToolExecutionError("Error executing tool 'get_weather': down", "get_weather");
    const step = new ActionStep(1, new Timing(0, 10));
    step.toolCalls = [call];
    step.toolResults = [{ id: "call_0", name: "get_weather", observation: error.message, error }];
    step.observations = `Call call_0 (get_weather): ${error.message}`;
    step.error = error;
    const views = [
      ...presenter.present({ type: "tool-call", toolCall: call }),
      ...presenter.present({
        type: "tool-output",
        id: "call_0",
        toolCall: call,
        output: undefined,
        observation: error.message,
        isFinalAnswer: false,
      }),
      ...presenter.present({ type: "action-step", step }),
    ];
    expect(views[0]).toEqual({
      kind: "tool-call",
      step: 1,
      id: "call_0",
      name: "get_weather",
      arguments: '{\n  "city": "Oslo"\n}',
    });
    expect(views[1]).toMatchObject({ kind: "tool-output", text: error.message, media: [] });
    expect(views[2]).toMatchObject({
      kind: "step",
      failedToolCalls: ["call_0"],
      error: undefined,
      logs: undefined,
    });
  });

  it("shows a step error that no tool output showed", () => {
    const presenter = new RunPresenter();
    const step = new ActionStep(1, new Timing(0));
    step.error = new AgentGenerationError("The model could not produce an output: 503");
    const [view] = presenter.present({ type: "action-step", step });
    expect(view).toMatchObject({
      error: { name: "AgentGenerationError", message: "The model could not produce an output: 503" },
      footer: {},
    });
  });

  it("turns plans, image and audio outputs and final answers into what the page draws", () => {
    const presenter = new RunPresenter();
    const plan = new PlanningStep(
      [],
      { role: "assistant", content: "1. Look" },
      "## Plan\n1. Look",
      new Timing(0, 2000),
      {
        inputTokens: 10,
        outputTokens: 5,
      },
    );
    expect(presenter.present({ type: "planning-step", step: plan })).toEqual([
      {
        kind: "plan",
        text: "1. Look",
        html: "<ol>\n<li>Look</li>\n</ol>",
        footer: { durationSeconds: 2, inputTokens: 10, outputTokens: 5 },
      },
    ]);
    const call = { id: "c", name: "draw", arguments: {} };
    const [output] = presenter.present({
      type: "tool-output",
      id: "c",
      toolCall: call,
      output: { type: "image", image: png },
      observation: "an image",
      isFinalAnswer: false,
    });
    expect(output).toMatchObject({ text: "", media: [{ kind: "image", mediaType: "image/png" }] });
    const finalAnswer = (output: unknown) =>
      presenter.present({ type: "final-answer", step: new FinalAnswerStep(output), output })[0];
    expect(finalAnswer(wav)).toMatchObject({
      kind: "final-answer",
      media: [{ kind: "audio", mediaType: "audio/wav" }],
    });
    expect(finalAnswer({ total: 3, items: ["a"] })).toEqual({
      kind: "final-answer",
      text: '{"total": 3, "items": ["a"]}',
      media: [],
    });
    // A text answer is Markdown; a value keeps its printed form (no html).
    expect(finalAnswer("42")).toEqual({ kind: "final-answer", text: "42", html: "<p>42</p>", media: [] });
  });

  it("says how a run ended, in words", () => {
    const presenter = new RunPresenter();
    expect(presenter.end(new AgentInterruptedError("interrupted"))).toEqual({
      kind: "run-end",
      status: "stopped",
      message: "Stopped before its first step, as you asked.",
    });
    presenter.present({ type: "action-step", step: codeStep(1, "x", "x") });
    expect(presenter.end(new AgentInterruptedError("interrupted"))).toMatchObject({
      message: "Stopped at the end of step 1, as you asked.",
    });
    expect(presenter.end(new TypeError("boom"))).toEqual({
      kind: "run-end",
      status: "failed",
      message: "The run failed: TypeError: boom",
    });
    expect(presenter.end()).toEqual({ kind: "run-end", status: "done", message: "Done." });
  });
});

describe("helpers", () => {
  it("keeps the prints of a final answer step, not the answer again", () => {
    const observations = "Execution logs:\ndrawing…\nLast output from code snippet:\n<925 bytes>";
    expect(logsOf({ observations, isFinalAnswer: false })).toBe(
      "drawing…\nLast output from code snippet:\n<925 bytes>",
    );
    expect(logsOf({ observations, isFinalAnswer: true })).toBe("drawing…");
    expect(
      logsOf({ observations: "Execution logs:\nLast output from code snippet:\nNone", isFinalAnswer: true }),
    ).toBeUndefined();
    expect(logsOf({ observations: "free-form text", isFinalAnswer: true })).toBe("free-form text");
  });

  it("removes code blocks of either tag style from a thought", () => {
    expect(thoughtWithoutCode("Thought: a\n<code>\nx = 1\n</code>\n\n\n\nmore")).toBe("Thought: a\n\nmore");
    expect(thoughtWithoutCode("Thought: b\n```python\nx = 1\n```<end_code>")).toBe("Thought: b");
    expect(thoughtWithoutCode("Thought: cut\n<code>\nx = 1")).toBe("Thought: cut");
  });

  it("formats arguments as indented JSON, raw text as it is, and survives cycles", () => {
    expect(formatArguments({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(formatArguments("{not json")).toBe("{not json");
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    expect(formatArguments(cyclic)).toBe('{"name": "loop", "self": [Circular]}');
  });

  it("recognises media by signature, data URL or part, and nothing else", () => {
    expect(sniffMedia(png)).toEqual({ kind: "image", mediaType: "image/png" });
    expect(sniffMedia(new Uint8Array([1, 2, 3]))).toBeUndefined();
    expect(toMediaView("data:image/gif;base64,R0lGOD")).toEqual({
      kind: "image",
      mediaType: "image/gif",
      url: "data:image/gif;base64,R0lGOD",
    });
    expect(toMediaView({ type: "audio", audio: wav })?.url.startsWith("data:audio/wav;base64,")).toBe(true);
    expect(toMediaView({ type: "image", image: "https://example.com/cat.png" })).toEqual({
      kind: "image",
      mediaType: "image/*",
      url: "https://example.com/cat.png",
    });
    expect(toMediaView("just text")).toBeUndefined();
    expect(toMediaView({ type: "text" })).toBeUndefined();
    expect(toMediaView(new Uint8Array([1, 2, 3]))).toBeUndefined();
  });
});
