import { describe, expect, it } from "vitest";
import { cutAtStopSequences, StopSequenceCutter, supportsStopParameter } from "./stop-sequences.js";

describe("supportsStopParameter", () => {
  it.each([
    ["gpt-4o", true],
    ["o3-mini", true],
    ["o3-mini-2025-01-31", true],
    ["o3", false],
    ["o3-pro", false],
    ["o4-mini", false],
    ["gpt-5", false],
    ["gpt-5-nano", false],
    ["openai/gpt-5-mini", false],
    ["grok-4", false],
    ["xai/grok-3-mini", false],
    ["Qwen/Qwen3-Next-80B-A3B-Thinking", true],
    ["claude-sonnet-4", true],
  ])("%s → %s", (modelId, expected) => {
    expect(supportsStopParameter(modelId)).toBe(expected);
  });
});

describe("cutAtStopSequences", () => {
  it("cuts at the earliest of several stop sequences", () => {
    expect(cutAtStopSequences("a Calling tools: b Observation: c", ["Observation:", "Calling tools:"])).toBe(
      "a ",
    );
  });
  it("keeps the text when no stop sequence occurs, and ignores empty ones", () => {
    expect(cutAtStopSequences("plain text", ["", "Observation:"])).toBe("plain text");
  });
});

describe("StopSequenceCutter", () => {
  it("holds back a possible start of a stop sequence until the next delta decides", () => {
    const cutter = new StopSequenceCutter(["</code>"]);
    expect(cutter.push("print(1)</")).toBe("print(1)");
    expect(cutter.push("co")).toBe("");
    expect(cutter.push("de> trailing")).toBe("");
    expect(cutter.isStopped).toBe(true);
    expect(cutter.push("more")).toBe("");
    expect(cutter.flush()).toBe("");
  });

  it("releases held text that was not a stop sequence", () => {
    const cutter = new StopSequenceCutter(["</code>"]);
    expect(cutter.push("a </")).toBe("a ");
    expect(cutter.push("b>")).toBe("</b>");
    expect(cutter.push("x <")).toBe("x ");
    expect(cutter.flush()).toBe("<");
  });

  it("finds a stop sequence spread over many one-character deltas", () => {
    const cutter = new StopSequenceCutter(["Observation:"]);
    const output =
      [..."done.Observation: 1"].map((character) => cutter.push(character)).join("") + cutter.flush();
    expect(output).toBe("done.");
  });
});
