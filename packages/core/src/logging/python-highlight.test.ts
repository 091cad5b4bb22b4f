import { describe, expect, it } from "vitest";
import { highlightPython, tokenizePython } from "./python-highlight.js";
import { palette } from "./styled-text.js";

describe("tokenizePython", () => {
  it("gives back the code exactly, whatever it is", () => {
    const samples = [
      'def f(x):\n    """Doc."""\n    return x  # done',
      '"""never closed',
      "é = 2.5e-3j",
      "",
      "\t\n ",
    ];
    for (const sample of samples) {
      expect(
        tokenizePython(sample)
          .map(([, text]) => text)
          .join(""),
      ).toBe(sample);
    }
  });

  it("names each kind the console and the page colour", () => {
    expect(tokenizePython('@cache\ndef f(n): return len(n) or g(None, 0x1F, "s")  # c')).toEqual([
      ["decorator", "@cache"],
      ["text", "\n"],
      ["keyword", "def"],
      ["text", " "],
      ["definition", "f"],
      ["text", "(n): "],
      ["keyword", "return"],
      ["text", " "],
      ["builtin", "len"],
      ["text", "(n) "],
      ["keyword", "or"],
      ["text", " "],
      ["call", "g"],
      ["text", "("],
      ["constant", "None"],
      ["text", ", "],
      ["number", "0x1F"],
      ["text", ", "],
      ["string", '"s"'],
      ["text", ")  "],
      ["comment", "# c"],
    ]);
  });
});

describe("highlightPython (console)", () => {
  it("styles the tokens line by line; calls and plain text stay unstyled", () => {
    const lines = highlightPython('x = g("a\n")\nprint(x)');
    expect(lines.map((line) => line.map((span) => span.text).join(""))).toEqual([
      'x = g("a',
      '")',
      "print(x)",
    ]);
    expect(lines[0]).toEqual([
      { text: "x = g(", style: undefined },
      { text: '"a', style: { color: palette.string } },
    ]);
    expect(lines[2]![0]).toEqual({ text: "print", style: { color: palette.builtin } });
  });
});
