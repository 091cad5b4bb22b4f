import { describe, expect, it } from "vitest";
import { LineChannel } from "./line-channel.js";

async function collect(channel: LineChannel): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of channel) lines.push(line);
  return lines;
}

describe("LineChannel", () => {
  it("splits chunks into lines, whatever the chunk boundaries", async () => {
    const channel = new LineChannel();
    channel.write("first\nsec");
    channel.write("ond\r\nthird");
    channel.write("\n\nlast without newline");
    channel.end();
    expect(await collect(channel)).toEqual(["first", "second", "third", "", "last without newline"]);
  });

  it("decodes a multi-byte character split across chunks", async () => {
    const channel = new LineChannel();
    const bytes = new TextEncoder().encode("日本 ✓\n");
    channel.write(bytes.subarray(0, 2));
    channel.write(bytes.subarray(2, 7));
    channel.write(bytes.subarray(7));
    channel.end();
    expect(await collect(channel)).toEqual(["日本 ✓"]);
  });

  it("delivers lines written while the reader waits", async () => {
    const channel = new LineChannel();
    const reading = collect(channel);
    await Promise.resolve();
    channel.write("late\n");
    channel.end();
    expect(await reading).toEqual(["late"]);
  });

  it("stops at a line over the limit and reports it", async () => {
    const overflows: number[] = [];
    const channel = new LineChannel({ maxLineLength: 10, onOverflow: (length) => overflows.push(length) });
    channel.write("short\n");
    channel.write("x".repeat(6));
    channel.write("y".repeat(6));
    channel.write("more\n");
    channel.end();
    expect(await collect(channel)).toEqual(["short"]);
    expect(overflows).toEqual([12]);
  });

  it("can be read only once", async () => {
    const channel = new LineChannel();
    channel.end();
    await collect(channel);
    await expect(collect(channel)).rejects.toThrow("only once");
  });
});

describe("LineChannel.writeLine", () => {
  it("keeps a whole line from another stream out of a half-received line", async () => {
    const channel = new LineChannel();
    channel.write('smol:abc {"type":');
    channel.writeLine("a warning on stderr");
    channel.write('"ready"}\n');
    channel.end();
    const lines: string[] = [];
    for await (const line of channel) lines.push(line);
    expect(lines).toEqual(["a warning on stderr", 'smol:abc {"type":"ready"}']);
  });
});

describe("LineChannel limits", () => {
  it("stops at a backlog of unread lines over its limit", async () => {
    const overflows: [number, string][] = [];
    const channel = new LineChannel({
      maxLineLength: 100,
      maxQueuedLength: 250,
      onOverflow: (length, what) => overflows.push([length, what]),
    });
    for (let index = 0; index < 10; index += 1) channel.write(`${"x".repeat(90)}\n`);
    channel.end();
    expect(overflows).toEqual([[270, "backlog"]]);
    expect(await collect(channel)).toHaveLength(2);
  });

  it("reads on while the backlog is consumed", async () => {
    const overflows: unknown[] = [];
    const channel = new LineChannel({
      maxLineLength: 100,
      maxQueuedLength: 250,
      onOverflow: () => overflows.push(1),
    });
    const reader = channel[Symbol.asyncIterator]();
    for (let index = 0; index < 10; index += 1) {
      channel.write(`${"x".repeat(90)}\n`);
      expect((await reader.next()).value).toHaveLength(90);
    }
    expect(overflows).toEqual([]);
  });
});
