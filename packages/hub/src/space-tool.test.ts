import { Tool } from "@smol/core";
import { type FakeGradioServer, startFakeGradio } from "@smol/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./index.js";
import { toolFromSpace } from "./space-tool.js";

let app: FakeGradioServer;

beforeAll(async () => {
  app = await startFakeGradio([
    {
      apiName: "predict",
      parameters: [
        { name: "prompt", type: "string", label: "The prompt" },
        { name: "steps", type: "number", default: 4 },
      ],
      returns: [{ type: "string" }],
      run: (prompt, steps) => [`${String(prompt)} in ${String(steps)} steps`],
    },
    {
      apiName: "shout",
      parameters: [{ name: "text", type: "string" }],
      returns: [{ type: "string" }, { type: "number" }],
      run: (text) => [String(text).toUpperCase(), String(text).length],
    },
    {
      apiName: "queued",
      queue: true,
      parameters: [{ name: "text", type: "string" }],
      returns: [{ type: "string" }],
      run: (text) => {
        if (text === "fail") throw new Error("the Space failed");
        return [`queued ${String(text)}`];
      },
    },
  ]);
});
afterAll(async () => {
  await app.close();
});

describe("toolFromSpace against a local Gradio app", () => {
  it("builds the inputs from the endpoint and calls predict", async () => {
    const imageTool = await toolFromSpace(app.url, {
      name: "image_generator",
      description: "Generate an image from a prompt",
    });
    expect(imageTool.toDict()).toEqual({
      name: "image_generator",
      description: "Generate an image from a prompt",
      inputs: {
        prompt: { type: "string", description: "The prompt" },
        steps: { type: "number", description: "steps", nullable: true },
      },
      outputType: "string",
    });
    expect(await imageTool.call({ prompt: "a cat" })).toBe("a cat in 4 steps");
    expect(await imageTool.call({ prompt: "a dog", steps: 9 })).toBe("a dog in 9 steps");
    expect(app.calls.at(-1)).toEqual({ apiName: "predict", data: ["a dog", 9] });
  });

  it("calls the endpoint named by apiName and returns every output of a multi-output endpoint", async () => {
    const shout = await Tool.fromSpace(app.url, { name: "shout", description: "Shouts.", apiName: "/shout" });
    expect(shout.outputType).toBe("array");
    expect(await shout.call({ text: "hey" })).toEqual(["HEY", 3]);
  });

  it("goes through the queue and its event stream for queued endpoints", async () => {
    const queued = await toolFromSpace(app.url, {
      name: "queued",
      description: "Queued.",
      apiName: "/queued",
    });
    expect(await queued.call({ text: "one" })).toBe("queued one");
    expect(await queued.call({ text: "two" })).toBe("queued two");
    await expect(queued.call({ text: "fail" })).rejects.toThrow(/the Space failed/);
  });

  it("names the endpoints when apiName is wrong", async () => {
    await expect(toolFromSpace(app.url, { name: "x", description: "X.", apiName: "/nope" })).rejects.toThrow(
      /\/predict, \/shout, \/queued/,
    );
  });
});
