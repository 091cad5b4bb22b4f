import { describe, expect, it } from "vitest";
import { z } from "zod";
import { tool } from "./function-tool.js";

describe("Tool.toJsonSchema", () => {
  it("exports dict inputs: required, nullable, any, media, enums", () => {
    const describeImage = tool(
      {
        name: "describe_image",
        description: "Describes an image.",
        inputs: {
          image: { type: "image", description: "The picture." },
          detail: { type: "string", description: "Level of detail.", enum: ["low", "high"], nullable: true },
          hints: { type: "array", description: "Hints.", items: { type: "string" } },
          context: { type: "any", description: "Anything useful.", nullable: true },
          size: { type: ["integer", "string"], description: "A size." },
        },
        outputType: "string",
      },
      () => "",
    );
    expect(describeImage.toJsonSchema()).toEqual({
      name: "describe_image",
      description: "Describes an image.",
      parameters: {
        type: "object",
        properties: {
          image: {
            type: "string",
            description:
              "The picture. (an image, passed as a string: the name of a state variable holding it, a URL or a data URL)",
          },
          detail: { type: ["string", "null"], description: "Level of detail.", enum: ["low", "high", null] },
          hints: { type: "array", description: "Hints.", items: { type: "string" } },
          context: { description: "Anything useful." },
          size: { type: ["integer", "string"], description: "A size." },
        },
        required: ["image", "hints", "size"],
        additionalProperties: false,
      },
    });
  });

  it("exports zod inputs from their JSON schema, optional fields accepting null", () => {
    const book = tool(
      {
        name: "book",
        description: "Books a room.",
        inputs: z.object({
          room: z.string().min(1).describe("Room name."),
          people: z.number().int().describe("Head count."),
          note: z.string().optional().describe("A note."),
          level: z.enum(["a", "b"]).nullable().describe("Level."),
        }),
        outputType: "string",
      },
      () => "",
    );
    expect(book.toJsonSchema().parameters).toEqual({
      type: "object",
      properties: {
        room: { type: "string", minLength: 1, description: "Room name." },
        people: { type: "integer", description: "Head count." },
        note: { type: ["string", "null"], description: "A note." },
        level: { anyOf: [{ type: "string", enum: ["a", "b"] }, { type: "null" }], description: "Level." },
      },
      required: ["room", "people"],
      additionalProperties: false,
    });
    expect(book.inputSchema).toEqual({
      room: { type: "string", description: "Room name." },
      people: { type: "integer", description: "Head count." },
      note: { type: "string", description: "A note.", nullable: true },
      level: { type: "string", description: "Level.", nullable: true, enum: ["a", "b"] },
    });
  });

  it("converts zod unions, literals and untyped fields to the dict form", () => {
    const mixed = tool(
      {
        name: "mixed",
        description: "Mixed inputs.",
        inputs: z.object({
          either: z.union([z.string(), z.number()]).describe("Either."),
          fixed: z.literal("on").describe("Always on."),
          whatever: z.unknown().describe("Anything."),
        }),
        outputType: "null",
      },
      () => null,
    );
    expect(mixed.inputSchema).toEqual({
      either: { type: ["string", "number"], description: "Either." },
      fixed: { type: "string", description: "Always on.", enum: ["on"] },
      whatever: { type: "any", description: "Anything." },
    });
  });
});
