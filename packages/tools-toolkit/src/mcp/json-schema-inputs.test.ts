import { describe, expect, it } from "vitest";
import { jsonSchemaToInputs, pythonName, uniqueName } from "./json-schema-inputs.js";

describe("jsonSchemaToInputs", () => {
  it("resolves $refs into $defs, as pydantic servers write them", () => {
    const { inputs } = jsonSchemaToInputs({
      type: "object",
      $defs: {
        Point: {
          type: "object",
          description: "A point.",
          properties: { x: { type: "number" } },
          required: ["x"],
        },
        Color: { enum: ["red", "green"], type: "string" },
      },
      properties: {
        origin: { $ref: "#/$defs/Point" },
        color: { allOf: [{ $ref: "#/$defs/Color" }], description: "Its colour." },
        path: { type: "array", items: { $ref: "#/$defs/Point" } },
      },
      required: ["origin", "color", "path"],
    });
    expect(inputs.origin).toEqual({
      type: "object",
      description: "A point.",
      properties: { x: { type: "number" } },
      required: ["x"],
    });
    expect(inputs.color).toEqual({ type: "string", description: "Its colour.", enum: ["red", "green"] });
    expect(inputs.path!.items).toEqual({
      type: "object",
      description: "A point.",
      properties: { x: { type: "number" } },
      required: ["x"],
    });
  });

  it("reads Optional[...] (anyOf with null) as nullable, and a missing type as any", () => {
    const { inputs } = jsonSchemaToInputs({
      properties: {
        limit: { anyOf: [{ type: "integer" }, { type: "null" }], default: null, title: "Limit" },
        anything: { description: "Whatever." },
        either: { type: ["string", "number"], description: "Text or number." },
      },
      required: ["anything", "either", "limit"],
    });
    expect(inputs.limit).toEqual({ type: "integer", description: "Limit", nullable: true });
    expect(inputs.anything).toEqual({ type: "any", description: "Whatever." });
    expect(inputs.either).toEqual({ type: ["string", "number"], description: "Text or number." });
  });

  it("survives a recursive schema and an empty one", () => {
    const { inputs } = jsonSchemaToInputs({
      $defs: { Node: { type: "object", properties: { child: { $ref: "#/$defs/Node" } } } },
      properties: { tree: { $ref: "#/$defs/Node", description: "A tree." } },
    });
    expect(inputs.tree!.type).toBe("object");
    expect(jsonSchemaToInputs(undefined)).toEqual({ inputs: {}, serverNames: {} });
  });

  it("makes identifiers of argument names, keeping the server's names", () => {
    const { inputs, serverNames } = jsonSchemaToInputs({
      properties: { "user-id": { type: "string" }, user_id: { type: "string" }, "2fa": { type: "boolean" } },
    });
    expect(Object.keys(inputs)).toEqual(["user_id", "user_id_2", "_2fa"]);
    expect(serverNames).toEqual({ user_id: "user-id", user_id_2: "user_id", _2fa: "2fa" });
    expect(inputs.user_id!.description).toBe("The user id.");
  });
});

describe("pythonName", () => {
  it("turns any tool name into a Python identifier that shadows nothing", () => {
    expect(pythonName("get-weather")).toBe("get_weather");
    expect(pythonName("brave.search")).toBe("brave_search");
    expect(pythonName("class")).toBe("class_");
    expect(pythonName("print")).toBe("print_");
    expect(pythonName("3d")).toBe("_3d");
    expect(pythonName("")).toBe("_");
    expect(uniqueName("a", { a: 1, a_2: 1 })).toBe("a_3");
  });
});
