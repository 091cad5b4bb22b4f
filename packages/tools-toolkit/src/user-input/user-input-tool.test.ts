import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { UserInputTool } from "./user-input-tool.js";

function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let written = "";
  output.on("data", (chunk: Buffer) => {
    written += chunk.toString();
  });
  return { input, output, written: () => written };
}

describe("UserInputTool", () => {
  it("asks the question and returns the line the user types", async () => {
    const { input, output, written } = terminal();
    const tool = new UserInputTool({ input, output });
    const answer = tool.call({ question: "Which city?" });
    input.write("Paris\n");
    expect(await answer).toBe("Paris");
    expect(written()).toBe("Which city? => Type your answer here: ");
  });

  it("keeps lines typed ahead for the next questions", async () => {
    const tool = new UserInputTool({
      input: Readable.from(["yes\nblue\r\n", "42\n"]),
      output: new PassThrough(),
    });
    expect(await tool.call({ question: "Ready?" })).toBe("yes");
    expect(await tool.call({ question: "Colour?" })).toBe("blue");
    expect(await tool.call({ question: "Number?" })).toBe("42");
    expect(await tool.call({ question: "More?" })).toBe(
      "The user could not answer: the terminal input is closed. Go on without their answer.",
    );
  });

  it("answers that the input is closed instead of waiting forever", async () => {
    const { input, output } = terminal();
    const tool = new UserInputTool({ input, output });
    const answer = tool.call({ question: "Anyone?" });
    input.end();
    expect(await answer).toContain("the terminal input is closed");
  });

  it("stops waiting when the call is aborted, and still answers later questions", async () => {
    const { input, output } = terminal();
    const tool = new UserInputTool({ input, output });
    const controller = new AbortController();
    const pending = tool.call({ question: "Slow?" }, { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error("interrupted"));
    await expect(pending).rejects.toThrow("interrupted");
    const next = tool.call({ question: "Again?" });
    input.write("here\n");
    expect(await next).toBe("here");
  });

  it("is user_input(question)", () => {
    const tool = new UserInputTool({ input: new PassThrough(), output: new PassThrough() });
    expect(tool.name).toBe("user_input");
    expect(tool.parameterNames).toEqual(["question"]);
    expect(() => tool.validate()).not.toThrow();
  });
});
