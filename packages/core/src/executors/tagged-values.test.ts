import { describe, expect, it } from "vitest";
import { fromWireValue, MalformedValueError, TAG_KEY, toWireValue } from "./tagged-values.js";

describe("toWireValue", () => {
  it("keeps JSON values as they are", () => {
    expect(toWireValue({ a: [1, "x", true, null], b: { c: 2.5 } })).toEqual({
      a: [1, "x", true, null],
      b: { c: 2.5 },
    });
  });

  it("tags what JSON cannot say", () => {
    expect(toWireValue(new Set([1]))).toEqual({ [TAG_KEY]: "set", items: [1] });
    expect(toWireValue(new Map([[1, "one"]]))).toEqual({ [TAG_KEY]: "dict", entries: [[1, "one"]] });
    expect(toWireValue(new Uint8Array([104, 105]))).toEqual({ [TAG_KEY]: "bytes", base64: "aGk=" });
    expect(toWireValue(new Date(Date.UTC(2024, 0, 2)))).toEqual({
      [TAG_KEY]: "datetime",
      iso: "2024-01-02T00:00:00.000Z",
    });
    expect(toWireValue(12n)).toEqual({ [TAG_KEY]: "int", value: "12" });
    expect(toWireValue(Number.NaN)).toEqual({ [TAG_KEY]: "float", value: "nan" });
    expect(toWireValue(Number.NEGATIVE_INFINITY)).toEqual({ [TAG_KEY]: "float", value: "-inf" });
    expect(toWireValue(undefined)).toBeNull();
    expect(toWireValue({ type: "image", image: new Uint8Array([1]), mediaType: "image/png" })).toEqual({
      [TAG_KEY]: "image",
      mimeType: "image/png",
      base64: "AQ==",
    });
  });

  it("escapes an object that has the tag key, so it cannot pass for a tagged value", () => {
    expect(toWireValue({ [TAG_KEY]: "bytes", base64: "AA==" })).toEqual({
      [TAG_KEY]: "dict",
      entries: [
        [TAG_KEY, "bytes"],
        ["base64", "AA=="],
      ],
    });
  });

  it("survives cycles, functions and errors", () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    expect(toWireValue(cyclic)).toEqual({
      name: "loop",
      self: { [TAG_KEY]: "repr", pythonType: "object", repr: "<circular reference>" },
    });
    expect(toWireValue(() => 1)).toMatchObject({ [TAG_KEY]: "repr", pythonType: "function" });
    expect(toWireValue(new TypeError("bad"))).toEqual({
      [TAG_KEY]: "repr",
      pythonType: "TypeError",
      repr: "TypeError: bad",
    });
  });
});

describe("fromWireValue", () => {
  it("decodes every tag", () => {
    expect(fromWireValue({ [TAG_KEY]: "tuple", items: [1, { [TAG_KEY]: "set", items: ["a"] }] })).toEqual([
      1,
      new Set(["a"]),
    ]);
    expect(
      fromWireValue({ [TAG_KEY]: "dict", entries: [[{ [TAG_KEY]: "tuple", items: [1, 2] }, "pair"]] }),
    ).toEqual(new Map([[[1, 2], "pair"]]));
    expect(fromWireValue({ [TAG_KEY]: "bytes", base64: "aGk=" })).toEqual(new Uint8Array([104, 105]));
    expect(fromWireValue({ [TAG_KEY]: "datetime", iso: "2024-01-02T03:04:05.123456" })).toEqual(
      new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 123)),
    );
    expect(fromWireValue({ [TAG_KEY]: "datetime", iso: "2024-01-02T03:04:05+02:00" })).toEqual(
      new Date(Date.UTC(2024, 0, 2, 1, 4, 5)),
    );
    expect(fromWireValue({ [TAG_KEY]: "date", iso: "2024-02-29" })).toEqual(new Date(Date.UTC(2024, 1, 29)));
    expect(fromWireValue({ [TAG_KEY]: "float", value: "inf" })).toBe(Number.POSITIVE_INFINITY);
    expect(fromWireValue({ [TAG_KEY]: "int", value: "-12345678901234567890" })).toBe(-12345678901234567890n);
    expect(fromWireValue({ [TAG_KEY]: "image", mimeType: "image/png", base64: "AQ==" })).toEqual({
      type: "image",
      image: new Uint8Array([1]),
      mediaType: "image/png",
    });
    expect(fromWireValue({ [TAG_KEY]: "repr", pythonType: "Point", repr: "Point(1, 2)" })).toBe(
      "Point(1, 2)",
    );
  });

  it("round-trips what toWireValue sends", () => {
    const value = {
      list: [1, 2],
      set: new Set(["x"]),
      bytes: new Uint8Array([0, 255]),
      big: 2n ** 64n,
      map: new Map([[1, true]]),
    };
    expect(fromWireValue(toWireValue(value))).toEqual(value);
  });

  it("does not let a key named __proto__ change the prototype", () => {
    const decoded = fromWireValue(JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(decoded)).toEqual(["__proto__"]);
  });

  it("rejects malformed tags", () => {
    for (const bad of [
      { [TAG_KEY]: "bytes" },
      { [TAG_KEY]: "bytes", base64: "not base64!" },
      { [TAG_KEY]: "tuple", items: "nope" },
      { [TAG_KEY]: "dict", entries: [[1]] },
      { [TAG_KEY]: "int", value: "12abc" },
      { [TAG_KEY]: "float", value: "huge" },
      { [TAG_KEY]: "mystery" },
    ]) {
      expect(() => fromWireValue(bad), JSON.stringify(bad)).toThrow(MalformedValueError);
    }
  });
});
