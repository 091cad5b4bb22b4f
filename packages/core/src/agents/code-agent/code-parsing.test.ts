import { describe, expect, it } from "vitest";
import { AgentParsingError } from "../../errors.js";
import {
  CODE_PLACEHOLDER,
  type CodeBlockTags,
  fixFinalAnswerCode,
  isFormatHintEcho,
  MARKDOWN_CODE_BLOCK_TAGS,
  parseCodeBlobs,
  parseStructuredCodeOutput,
  resolveCodeBlockTags,
} from "./code-parsing.js";

describe("parseCodeBlobs", () => {
  it("takes the code between the default tags and ignores the prose around it", () => {
    const text = "Thought: I will compute it.\n<code>\nx = 2 + 2\nprint(x)\n</code>\nDone.";
    expect(parseCodeBlobs(text)).toEqual({ code: "x = 2 + 2\nprint(x)", source: "tags" });
  });

  it("joins several tagged blocks in order", () => {
    const text = "<code>a = 1</code> then <code>b = a + 1</code>";
    expect(parseCodeBlobs(text).code).toBe("a = 1\n\nb = a + 1");
  });

  it("keeps backticks that appear in the thought out of the code", () => {
    const text =
      "Thought: I'll use `math.sqrt` and ```fences``` here.\n<code>import math\nprint(math.sqrt(4))</code>";
    expect(parseCodeBlobs(text).code).toBe("import math\nprint(math.sqrt(4))");
  });

  it("strips a fence the model put inside the tags", () => {
    expect(parseCodeBlobs("<code>\n```python\nprint(1)\n```\n</code>").code).toBe("print(1)");
  });

  it("falls back to fenced python blocks", () => {
    const text = "Here you go:\n```python\nresult = 6 * 7\n```\nand\n```py\nprint(result)\n```";
    expect(parseCodeBlobs(text)).toEqual({ code: "result = 6 * 7\n\nprint(result)", source: "fenced" });
  });

  it("uses markdown tags when asked", () => {
    const tags = resolveCodeBlockTags("markdown");
    expect(parseCodeBlobs("```python\nprint('hi')\n```", tags)).toEqual({
      code: "print('hi')",
      source: "tags",
    });
  });

  it("accepts a custom pair of tags", () => {
    const tags = resolveCodeBlockTags(["[[py]]", "[[/py]]"]);
    expect(parseCodeBlobs("Thought: go\n[[py]]print(3)[[/py]]", tags).code).toBe("print(3)");
  });

  it("takes the whole text when it looks like code", () => {
    expect(parseCodeBlobs("final_answer(42)")).toEqual({ code: "final_answer(42)", source: "whole-text" });
  });

  it("tells the model the expected format when there is no code", () => {
    expect(() => parseCodeBlobs("I think the answer is probably somewhere")).toThrow(AgentParsingError);
    expect(() => parseCodeBlobs("I think the answer is probably somewhere")).toThrow(/<code>[\s\S]*<\/code>/);
  });

  it("hints at final_answer when the text reads like an answer", () => {
    expect(() => parseCodeBlobs("The final answer is Paris.")).toThrow(
      /<code>\nfinal_answer\(<your answer>\)/,
    );
  });

  it("rejects an empty pair of tags", () => {
    expect(() => resolveCodeBlockTags(["", "x"])).toThrow(AgentParsingError);
  });
});

describe("parseCodeBlobs on the shapes real models write", () => {
  const code = (text: string, tags?: CodeBlockTags) => parseCodeBlobs(text, tags).code;
  const fails = (text: string) => () => parseCodeBlobs(text);

  it("runs a fence left open at the end to the end of the output", () => {
    expect(parseCodeBlobs("Thought: sum it.\nCode:\n```py\ntotal = 3 + 4\nprint(total)\n")).toEqual({
      code: "total = 3 + 4\nprint(total)",
      source: "fenced",
    });
  });

  it("passes broken Python in an unclosed fence on to the executor, not as 'no code'", () => {
    expect(parseCodeBlobs('```python\ntext = """never closed\nprint(text)').source).toBe("fenced");
  });

  it("refuses an unclosed fence that only imports: the output was cut off before any action", () => {
    const text =
      "I will search for it with:\n```python\nimport requests\nfrom math import *\n\n# next, the search";
    expect(fails(text)).toThrow(/never closed and holds only imports/);
    // Closed, the same imports are the model's deliberate step and run.
    expect(code("```python\nimport math\n```")).toBe("import math");
    // Open, code that acts still runs.
    expect(code("```python\nimport math\nprint(math.pi)")).toBe("import math\nprint(math.pi)");
  });

  it("dedents a block indented as a whole, fences included", () => {
    const text =
      "  Thought: loop.\n\n    Code:\n    ```py\n    for i in range(2):\n        print(i)\n    ```\n";
    expect(code(text)).toBe("for i in range(2):\n    print(i)");
  });

  it("does not take <code> inside a string or a comment of a fenced block for a tag", () => {
    const text = 'Thought: tags.\n```python\nhtml = "<code>x</code>"  # a <code> tag\nprint(html)\n```';
    expect(code(text)).toBe('html = "<code>x</code>"  # a <code> tag\nprint(html)');
  });

  it("keeps ``` written inside a line of the code", () => {
    const text = "```py\nfence = '```'\nprint(fence * 2)\n```";
    expect(code(text)).toBe("fence = '```'\nprint(fence * 2)");
  });

  it("skips a stray fence and a Code: header before the real block", () => {
    const text = "Thought: I ask the helper.```\n```\nCode:\n```py\nhelper(task='x')\n```\n<end_code>";
    expect(code(text)).toBe("helper(task='x')");
  });

  it("accepts the old ```<end_code> closing line", () => {
    expect(code("```py\nprint(5)\n```<end_code>\n")).toBe("print(5)");
  });

  it("never searches a <think> section for code", () => {
    const text =
      "<think>Maybe:\n```py\nprint('draft')\n```\n</think>\nThought: final.\n```py\nfinal_answer(9)\n```";
    expect(code(text)).toBe("final_answer(9)");
    expect(fails("<think>\n<code>print('draft')</code>\n</think>\nThe answer is nine.")).toThrow(
      AgentParsingError,
    );
  });

  it("reads code written after a <think> that is never closed", () => {
    expect(code("<think>\nThought: go.\n<code>\nfinal_answer(1)\n</code>")).toBe("final_answer(1)");
  });

  it("stops at an Observation the model invented, so only its first step runs", () => {
    const text = "```py\nx = 2\nprint(x)\n```\nObservation: 2\nThought: done.\n```py\nfinal_answer(x)\n```";
    expect(code(text)).toBe("x = 2\nprint(x)");
  });

  it("reads a reply that opens by restating the last observation", () => {
    expect(code("Observation: it printed 3.\nThought: answer now.\n<code>\nfinal_answer(3)\n</code>")).toBe(
      "final_answer(3)",
    );
  });

  it("runs a block repeated word for word once", () => {
    expect(code("```py\nprint(1)\n```\nAgain:\n```py\nprint(1)\n```")).toBe("print(1)");
  });

  it("treats code made only of comments as no code", () => {
    expect(fails("Thought: nothing to do.\n<code>\n# nothing here\n\n   # really\n</code>")).toThrow(
      /only comments/,
    );
    expect(fails("```py\n# TODO\n```")).toThrow(AgentParsingError);
  });

  it("recognises an echo of the format hint and runs nothing", () => {
    expect(fails("Sure.\n<code>\n<your Python code>\n</code>")).toThrow(/repeats the example/);
    expect(fails("The answer is 4.\n```py\nfinal_answer(<your answer>)\n```")).toThrow(/repeats the example/);
    expect(fails('Answer: 4\n   ```py\n   final_answer("YOUR FINAL ANSWER HERE")\n   ```')).toThrow(
      /repeats the example/,
    );
    expect(fails('```py\nfinal_answer("your answer")\n```')).toThrow(AgentParsingError);
  });

  it("the hint it gives is recognised if the model copies it back", () => {
    let hint = "";
    try {
      parseCodeBlobs("My final answer is four.");
    } catch (error) {
      hint = (error as Error).message;
    }
    expect(hint).toContain(CODE_PLACEHOLDER);
    expect(fails(`Okay.\n${hint}`)).toThrow(/repeats the example/);
  });

  it("recovers a bare final_answer line after prose", () => {
    expect(parseCodeBlobs("So the total is 12, hence:\n\nfinal_answer(12)")).toEqual({
      code: "final_answer(12)",
      source: "whole-text",
    });
    expect(
      code("It is 12.\nfinal_answer(12)\n```py\n# the answer\n```\nAs said: 12.\nfinal_answer(12)"),
    ).toBe("final_answer(12)");
  });

  it("asks rather than picks between different bare final_answer lines", () => {
    expect(fails("Either\nfinal_answer(1)\nor\nfinal_answer(2)")).toThrow(/several different final_answer/);
  });

  it("recovers plain Python written after a prose introduction", () => {
    const text =
      "Thought: I will build the list.\nHere is the code:\n\nitems = [\n    'a',  # first\n    'b',\n]\nfor item in items:\n    print(item)\nfinal_answer(len(items))\n";
    expect(parseCodeBlobs(text)).toEqual({
      code: "items = [\n    'a',  # first\n    'b',\n]\nfor item in items:\n    print(item)\nfinal_answer(len(items))",
      source: "whole-text",
    });
  });

  it("does not take a single code-looking line of prose for code", () => {
    expect(fails("We know the rule.\n\nresult = unknown until we search")).toThrow(AgentParsingError);
  });

  it.each([
    ["prose", "The capital of France is Paris. Let me know if you need more."],
    ["a Markdown list", "1. First, add the numbers.\n2. Then divide.\n**Answer: 6**"],
    ["LaTeX", "The result is $\\frac{1}{2}$ [1][2].\n\n\\boxed{0.5}"],
    ["another language", "Here is Java:\n```java\nSystem.out.println(1);\n```"],
    ["an inline fence in prose", "Use a block like ```py to write code."],
    ["data in a bare fence", 'The result is:\n```\n{\n  "a": 1\n}\n```'],
  ])("rejects %s with the expected format", (_label, text) => {
    expect(fails(text)).toThrow(/code block, like this:\nThought: .*\n<code>\n/);
  });

  it("names the language of a non-Python block", () => {
    expect(fails("```bash\npip install x\n```")).toThrow(/```bash block; only Python runs/);
  });

  it("takes Python fences as the tags with markdown tags, ```py included", () => {
    expect(parseCodeBlobs("Here:\n```py\nprint(2)\n```", MARKDOWN_CODE_BLOCK_TAGS)).toEqual({
      code: "print(2)",
      source: "tags",
    });
  });

  it("drops a closing fence the model wrote before the closing tag", () => {
    expect(code("<code>\nprint(8)\n```\n</code>")).toBe("print(8)");
    expect(code("<code>\n```\nprint(9)\n```\n</code>")).toBe("print(9)");
  });

  it("starts the block at the real tag when the thought mentions the tag", () => {
    const text = "Thought: I put the code in <code> tags as asked.\n<code>\nprint('real')\n</code>";
    expect(code(text)).toBe("print('real')");
  });

  it("reads a tag block left open at the end", () => {
    expect(code("Thought: go\n<code>\nprint(7)\n")).toBe("print(7)");
  });

  it("prefers the tagged blocks to fences elsewhere in the output", () => {
    expect(code("Example:\n```py\nprint('example')\n```\n<code>\nprint('real')\n</code>")).toBe(
      "print('real')",
    );
  });

  it("detects hint echoes without flagging real code", () => {
    expect(isFormatHintEcho('final_answer("YOUR FINAL ANSWER HERE")')).toBe(true);
    expect(isFormatHintEcho("final_answer(your_answer)")).toBe(false);
    expect(isFormatHintEcho('final_answer("Paris")')).toBe(false);
  });
});

describe("fixFinalAnswerCode", () => {
  it("renames a final_answer variable used next to a final_answer call", () => {
    expect(fixFinalAnswerCode("final_answer = 3.21\nfinal_answer(final_answer)")).toBe(
      "final_answer_variable = 3.21\nfinal_answer(final_answer_variable)",
    );
  });

  it("leaves code alone without a call, or with a comparison only", () => {
    expect(fixFinalAnswerCode("final_answer = 2")).toBe("final_answer = 2");
    expect(fixFinalAnswerCode("if x == 1:\n    final_answer(x)")).toBe("if x == 1:\n    final_answer(x)");
    expect(fixFinalAnswerCode("ok = final_answer == 3\nfinal_answer(1)")).toBe(
      "ok = final_answer == 3\nfinal_answer(1)",
    );
  });

  it("does not touch attributes or longer names", () => {
    const code = "final_answer = obj.final_answer\nmy_final_answer = 1\nfinal_answer(final_answer)";
    expect(fixFinalAnswerCode(code)).toBe(
      "final_answer_variable = obj.final_answer\nmy_final_answer = 1\nfinal_answer(final_answer_variable)",
    );
  });
});

describe("parseStructuredCodeOutput", () => {
  it("reads thought and code from JSON with text around it", () => {
    expect(parseStructuredCodeOutput('Sure: {"thought": "add", "code": "print(1+1)"}')).toEqual({
      thought: "add",
      code: "print(1+1)",
    });
  });

  it("unwraps code the model still put in the code tags or a fence", () => {
    expect(parseStructuredCodeOutput('{"thought": "t", "code": "<code>\\nprint(1)\\n</code>"}').code).toBe(
      "print(1)",
    );
    expect(parseStructuredCodeOutput('{"thought": "t", "code": "```py\\nprint(2)\\n```"}').code).toBe(
      "print(2)",
    );
    expect(
      parseStructuredCodeOutput('{"thought": "t", "code": "[[py]]print(3)[[/py]]"}', ["[[py]]", "[[/py]]"])
        .code,
    ).toBe("print(3)");
  });

  it("explains invalid JSON and a missing code key", () => {
    expect(() => parseStructuredCodeOutput('{"thought": "x", code: }')).toThrow(/not valid JSON/);
    expect(() => parseStructuredCodeOutput('{"thought": "x"}')).toThrow(/"code"/);
    expect(() => parseStructuredCodeOutput("no json")).toThrow(AgentParsingError);
  });
});
