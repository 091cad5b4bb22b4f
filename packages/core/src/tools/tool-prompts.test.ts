import { describe, expect, it } from "vitest";
import { z } from "zod";
import { FinalAnswerTool } from "./final-answer-tool.js";
import { tool } from "./function-tool.js";

const modelDownloadTool = tool(
  {
    name: "model_download_tool",
    description: "Returns the most downloaded model of a given task on the Hub.",
    inputs: { task: { type: "string", description: "The task." } },
    outputType: "string",
  },
  async ({ task }) => task,
);

describe("Tool.toCodePrompt", () => {
  it("renders the seed tool as a Python stub", () => {
    expect(modelDownloadTool.toCodePrompt().split("\n")).toEqual([
      "def model_download_tool(task: str) -> str:",
      '    """Returns the most downloaded model of a given task on the Hub.',
      "",
      "    Args:",
      "        task: The task.",
      '    """',
    ]);
  });

  it("maps every type, puts nullable arguments last with a None default, and notes enums and media", () => {
    const everything = tool(
      {
        name: "everything",
        description: "Takes every kind of input.\nSecond line of the description.",
        inputs: {
          limit: { type: "integer", description: "Maximum.", nullable: true },
          text: { type: "string", description: "Some text." },
          ratio: { type: "number", description: "A ratio." },
          flag: { type: "boolean", description: "A flag." },
          names: { type: "array", description: "Names.", items: { type: "string" } },
          rows: { type: "array", description: "Rows." },
          options: { type: "object", description: "Options.\nOn two lines." },
          anything: { type: "any", description: "Anything.", nullable: true },
          picture: { type: "image", description: "A picture." },
          clip: { type: "audio", description: "A clip." },
          mode: { type: "string", description: "Mode.", enum: ["fast", "slow"] },
          either: { type: ["integer", "null"], description: "A count or null." },
        },
        outputType: "image",
      },
      () => null,
    );
    expect(everything.toCodePrompt().split("\n")).toEqual([
      "def everything(text: str, ratio: float, flag: bool, names: list[str], rows: list, options: dict, picture: Image, clip: Audio, mode: str, either: int | None, limit: int | None = None, anything: Any = None) -> Image:",
      '    """Takes every kind of input.',
      "    Second line of the description.",
      "",
      "    Args:",
      "        text: Some text.",
      "        ratio: A ratio.",
      "        flag: A flag.",
      "        names: Names.",
      "        rows: Rows.",
      "        options: Options.",
      "            On two lines.",
      "        picture: A picture. (an Image: PNG bytes)",
      "        clip: A clip. (Audio: the bytes of an audio file)",
      '        mode: Mode. Allowed values: "fast", "slow".',
      "        either: A count or null.",
      "        limit: Maximum.",
      "        anything: Anything.",
      "",
      "    Returns:",
      "        Image: PNG bytes.",
      '    """',
    ]);
  });

  it("returns a dict and lists its keys when the tool has an output schema", () => {
    const lookup = tool(
      {
        name: "lookup_model",
        description: "Looks a model up.",
        inputs: z.object({ modelId: z.string().describe("The model id.") }),
        outputType: "object",
        outputSchema: {
          type: "object",
          description: "The model card.",
          properties: {
            id: { type: "string", description: "The model id." },
            downloads: { type: "integer", description: "Downloads last month." },
            tags: { type: "array", items: { type: "string" } },
            stats: {
              type: "object",
              description: "Counters.",
              properties: { likes: { type: "integer", description: "Likes." } },
              required: ["likes"],
            },
            files: {
              type: "array",
              description: "Files in the repository.",
              items: { type: "object", properties: { path: { type: "string" }, size: { type: "integer" } } },
            },
            license: { anyOf: [{ type: "string" }, { type: "null" }], description: "License." },
          },
          required: ["id", "downloads", "stats"],
        },
      },
      () => ({}),
    );
    expect(lookup.toCodePrompt().split("\n")).toEqual([
      "def lookup_model(modelId: str) -> dict:",
      '    """Looks a model up.',
      "",
      "    Args:",
      "        modelId: The model id.",
      "",
      "    Returns:",
      '        dict: The model card. Read its keys directly (e.g. result["key"]); no need to print it first.',
      "            - id (str): The model id.",
      "            - downloads (int): Downloads last month.",
      "            - tags (list[str], optional)",
      "            - stats (dict): Counters.",
      "                - likes (int): Likes.",
      "            - files (list[dict], optional): Files in the repository.",
      "                - path (str, optional)",
      "                - size (int, optional)",
      "            - license (str | None, optional): License.",
      '    """',
    ]);
  });

  it("renders a tool without inputs and the final answer tool", () => {
    const now = tool(
      { name: "now", description: "Current time.", inputs: {}, outputType: "string" },
      () => "",
    );
    expect(now.toCodePrompt()).toBe('def now() -> str:\n    """Current time.\n    """');
    expect(new FinalAnswerTool().toCodePrompt().split("\n")[0]).toBe("def final_answer(answer: Any) -> Any:");
  });
});

describe("Tool.toToolCallingPrompt", () => {
  it("lists name, description, inputs as JSON and output type", () => {
    expect(modelDownloadTool.toToolCallingPrompt().split("\n")).toEqual([
      "model_download_tool: Returns the most downloaded model of a given task on the Hub.",
      '    Inputs: {"task":{"type":"string","description":"The task."}}',
      "    Output type: string",
    ]);
  });

  it("adds the output schema when there is one", () => {
    const structured = tool(
      {
        name: "stats",
        description: "Gives stats.",
        inputs: {},
        outputType: "object",
        outputSchema: { type: "object", properties: { count: { type: "integer" } } },
      },
      () => ({ count: 1 }),
    );
    expect(structured.toToolCallingPrompt().split("\n")).toEqual([
      "stats: Gives stats.",
      "    Inputs: {}",
      "    Output type: object",
      '    Output schema: {"type":"object","properties":{"count":{"type":"integer"}}}',
    ]);
  });
});
