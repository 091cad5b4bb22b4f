import { describe, expect, it } from "vitest";
import { AgentParsingError } from "../../errors.js";
import {
  fixFinalAnswerCode,
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
    expect(() => parseCodeBlobs("The final answer is Paris.")).toThrow(/final_answer\("your answer"\)/);
  });

  it("rejects an empty pair of tags", () => {
    expect(() => resolveCodeBlockTags(["", "x"])).toThrow(AgentParsingError);
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

  it("explains invalid JSON and a missing code key", () => {
    expect(() => parseStructuredCodeOutput('{"thought": "x", code: }')).toThrow(/not valid JSON/);
    expect(() => parseStructuredCodeOutput('{"thought": "x"}')).toThrow(/"code"/);
    expect(() => parseStructuredCodeOutput("no json")).toThrow(AgentParsingError);
  });
});
