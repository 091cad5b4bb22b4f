import { describe, expect, it } from "vitest";
import {
  formatCount,
  formatObservationForDisplay,
  formatValueForDisplay,
  shouldUseColor,
  truncateForDisplay,
} from "./index.js";
import { displayWidth, wrapSpans } from "./styled-text.js";

describe("shouldUseColor", () => {
  const terminal = { isTTY: true };
  const pipe = { isTTY: false };

  it("colours a terminal and nothing else", () => {
    expect(shouldUseColor(terminal, {})).toBe(true);
    expect(shouldUseColor(pipe, {})).toBe(false);
    expect(shouldUseColor(undefined, {})).toBe(false);
  });

  it("turns colour off for NO_COLOR and TERM=dumb", () => {
    expect(shouldUseColor(terminal, { NO_COLOR: "1" })).toBe(false);
    expect(shouldUseColor(terminal, { NO_COLOR: "" })).toBe(true);
    expect(shouldUseColor(terminal, { TERM: "dumb" })).toBe(false);
  });

  it("lets FORCE_COLOR decide over everything else", () => {
    expect(shouldUseColor(pipe, { FORCE_COLOR: "1" })).toBe(true);
    expect(shouldUseColor(pipe, { FORCE_COLOR: "", NO_COLOR: "1" })).toBe(true);
    expect(shouldUseColor(terminal, { FORCE_COLOR: "0" })).toBe(false);
    expect(shouldUseColor(terminal, { FORCE_COLOR: "false" })).toBe(false);
  });
});

describe("formatting values", () => {
  it("writes counts with comma separators", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(148)).toBe("148");
    expect(formatCount(4288)).toBe("4,288");
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatCount(-1000)).toBe("-1,000");
  });

  it("renders any value on one line, cycles and odd types included", () => {
    const cyclic: Record<string, unknown> = { name: "a", list: [1, "two", null, true], when: new Date(0) };
    cyclic.self = cyclic;
    expect(formatValueForDisplay(cyclic)).toBe(
      '{"name": "a", "list": [1, "two", null, true], "when": "1970-01-01T00:00:00.000Z", "self": [Circular]}',
    );
    expect(formatValueForDisplay("as is")).toBe("as is");
    expect(formatValueForDisplay(10n)).toBe("10n");
    expect(formatValueForDisplay(undefined)).toBe("undefined");
    expect(formatValueForDisplay(new Map([["k", 1]]))).toBe('Map {"k" => 1}');
    expect(formatValueForDisplay(new TypeError("bad"))).toBe("TypeError: bad");
    const shared = { x: 1 };
    expect(formatValueForDisplay([shared, shared])).toBe('[{"x": 1}, {"x": 1}]');
    const throwing = {
      get boom(): never {
        throw new Error("getter failed");
      },
    };
    expect(formatValueForDisplay(throwing)).toBe("[unprintable: getter failed]");
  });

  it("cuts long text in the middle, keeping both ends", () => {
    const text = `${"a".repeat(600)}${"b".repeat(600)}`;
    const cut = truncateForDisplay(text, 100);
    expect(cut.startsWith(`${"a".repeat(50)}\n`)).toBe(true);
    expect(cut.endsWith(`\n${"b".repeat(50)}`)).toBe(true);
    expect(cut).toContain("[1,100 characters omitted]");
    expect(truncateForDisplay("short", 100)).toBe("short");
    expect(formatObservationForDisplay({ temperature: 21 })).toBe('{"temperature": 21}');
    expect(formatObservationForDisplay("x".repeat(30_000)).length).toBeLessThan(20_100);
  });
});

describe("display width and wrapping", () => {
  it("counts wide characters and emoji as two cells and combining marks as none", () => {
    expect(displayWidth("abc")).toBe(3);
    expect(displayWidth("漢字")).toBe(4);
    expect(displayWidth("😀")).toBe(2);
    expect(displayWidth("👍🏽")).toBe(2);
    expect(displayWidth("e\u0301")).toBe(1);
    expect(displayWidth("©")).toBe(1);
  });

  it("never splits a grapheme and never exceeds the width", () => {
    const lines = wrapSpans([{ text: "👍🏽".repeat(7) }], 5);
    expect(lines.map((line) => line.map((span) => span.text).join(""))).toEqual([
      "👍🏽👍🏽",
      "👍🏽👍🏽",
      "👍🏽👍🏽",
      "👍🏽",
    ]);
  });

  it("keeps styles on the pieces of a wrapped span", () => {
    const style = { bold: true };
    const lines = wrapSpans([{ text: "one two " }, { text: "three four", style }], 9);
    expect(lines).toEqual([
      [{ text: "one two", style: undefined }],
      [{ text: "three", style }],
      [{ text: "four", style }],
    ]);
  });
});
