import { describe, expect, it } from "vitest";
import { highlightPython } from "./python-highlighter.js";

const joined = (code: string) =>
  highlightPython(code)
    .map(([, text]) => text)
    .join("");
const kinds = (code: string) => highlightPython(code).filter(([kind]) => kind !== "text");

describe("highlightPython", () => {
  it("gives back the code exactly, whatever it is", () => {
    const samples = [
      'def fib(n):\n    """Fibonacci."""\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n',
      'x = \'unterminated\nprint(f"{x!r}")  # done',
      '"""never closed',
      "résultat = données[0] ** 2.5e-3j",
      "@decorator.attr\nclass A(B): pass",
      "",
      "\t\n  ",
    ];
    for (const sample of samples) expect(joined(sample)).toBe(sample);
  });

  it("marks keywords, builtins, constants, strings, numbers, comments, definitions and calls", () => {
    expect(kinds('def fib(n):\n    return None  # base\nprint(fib(10), "ok", len(x), math.sqrt(2))')).toEqual(
      [
        ["keyword", "def"],
        ["definition", "fib"],
        ["keyword", "return"],
        ["constant", "None"],
        ["comment", "# base"],
        ["builtin", "print"],
        ["call", "fib"],
        ["number", "10"],
        ["string", '"ok"'],
        ["builtin", "len"],
        ["call", "sqrt"],
        ["number", "2"],
      ],
    );
  });

  it("keeps triple-quoted strings whole across lines, with their prefix", () => {
    expect(kinds('text = rb"""a\n# not a comment\nb"""')).toEqual([
      ["string", 'rb"""a\n# not a comment\nb"""'],
    ]);
  });

  it("does not mistake names that contain digits or keywords for numbers or keywords", () => {
    expect(kinds("step2 = iffy + import_me")).toEqual([]);
    expect(kinds("final_answer(step2)")).toEqual([["builtin", "final_answer"]]);
  });

  it("merges neighbouring plain text into one token", () => {
    expect(highlightPython("a + b")).toEqual([["text", "a + b"]]);
  });
});
