import { describe, expect, it } from "vitest";
import { checkRuntimeMessage, parseRuntimeLine, protocolPrefix, runtimeMessageSchema } from "./protocol.js";

const id = "r1";
const long = (length: number) => "x".repeat(length);

/** Messages of the kinds checked by hand, valid and not: each must be judged as the schema judges it. */
const cases: unknown[] = [
  { type: "tool_call", callId: "c1", name: "echo", args: [1, "a", { t: "tuple", v: [] }], kwargs: { x: 1 } },
  { type: "tool_call", callId: "c1", name: "echo", args: [], kwargs: {}, extra: "dropped" },
  { type: "tool_call", callId: "", name: "echo", args: [], kwargs: {} },
  { type: "tool_call", callId: long(101), name: "echo", args: [], kwargs: {} },
  { type: "tool_call", callId: long(100), name: long(200), args: [], kwargs: {} },
  { type: "tool_call", callId: "c1", name: long(201), args: [], kwargs: {} },
  { type: "tool_call", callId: "c1", name: "", args: [], kwargs: {} },
  { type: "tool_call", callId: "c1", name: "echo", args: {}, kwargs: {} },
  { type: "tool_call", callId: "c1", name: "echo", args: [], kwargs: [] },
  { type: "tool_call", callId: "c1", name: "echo", args: [], kwargs: null },
  { type: "tool_call", callId: 1, name: "echo", args: [], kwargs: {} },
  { type: "tool_call", callId: "c1", name: "echo", args: [] },
  { type: "ack", id },
  { type: "ack", id, more: [1] },
  { type: "ack", id: "" },
  { type: "ack" },
  { type: "result", id, output: { t: "list", v: [1] }, logs: "printed\n", isFinalAnswer: false },
  { type: "result", id, output: null, logs: "", isFinalAnswer: true },
  { type: "result", id, logs: "", isFinalAnswer: true },
  { type: "result", id, output: 1, logs: 1, isFinalAnswer: true },
  { type: "result", id, output: 1, logs: "", isFinalAnswer: "yes" },
  { type: "error", id, error: { type: "ValueError", message: "bad" }, logs: "" },
  {
    type: "error",
    id,
    error: { type: "ValueError", message: "bad", line: 3, traceback: "tb", x: 1 },
    logs: "",
  },
  { type: "error", id, error: { type: "ValueError", message: "bad", line: 0 }, logs: "" },
  { type: "error", id, error: { type: "ValueError", message: "bad", line: 1.5 }, logs: "" },
  { type: "error", id, error: { type: "ValueError", message: "bad", traceback: 2 }, logs: "" },
  { type: "error", id, error: { type: "", message: "bad" }, logs: "" },
  { type: "error", id, error: { type: long(201), message: "bad" }, logs: "" },
  { type: "error", id, error: { type: "E" }, logs: "" },
  { type: "error", id, error: [], logs: "" },
  { type: "error", id, error: { type: "E", message: "m" } },
  { type: "ready", protocol: 1, python: "3.13", implementation: "cpython" },
  { type: "fatal", message: "gone" },
  { type: "unknown" },
  [],
  null,
  "ack",
];

describe("the hand-written check of the frequent runtime messages", () => {
  it.each(cases.map((data) => [JSON.stringify(data).slice(0, 80), data]))(
    "judges %s as the schema does",
    (_label, data) => {
      const schema = runtimeMessageSchema.safeParse(data);
      const checked = checkRuntimeMessage(data);
      expect(checked.kind).toBe(schema.success ? "message" : "invalid");
      if (schema.success && checked.kind === "message") expect(checked.message).toStrictEqual(schema.data);
    },
  );

  it("still checks the shape of a framed line before it is parsed", async () => {
    const prefix = protocolPrefix("0".repeat(32));
    expect(await parseRuntimeLine(`${prefix}${"[".repeat(300)}${"]".repeat(300)}`, prefix)).toMatchObject({
      kind: "invalid",
      problem: expect.stringContaining("does not match the protocol"),
    });
    const deep = `${"[".repeat(600)}${"]".repeat(600)}`;
    expect(await parseRuntimeLine(`${prefix}${deep}`, prefix)).toEqual({
      kind: "invalid",
      problem: "a framed line is nested deeper than 512 levels",
    });
    const call = { type: "tool_call", callId: "c1", name: "echo", args: [1], kwargs: {} };
    expect(await parseRuntimeLine(`${prefix}${JSON.stringify(call)}`, prefix)).toEqual({
      kind: "message",
      message: call,
    });
  });
});
