import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error: plain JavaScript run by Deno as is, with no type declarations.
import { channelWriter, createChannelBuffer, directWriter } from "../../assets/isolate-channel.js";

const CHANNEL_URL = new URL("../../assets/isolate-channel.js", import.meta.url).href;

/**
 * A thread that reads the channel as an isolate does (blocking), counting the reader's idle
 * calls, and posts each line with the count so far; `null` at end of input.
 */
const READER_THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
import(workerData.url).then(({ channelReader }) => {
  let idle = 0;
  const readLine = channelReader(workerData.buffer, { whenIdle: () => idle++, idleAfterMs: workerData.idleAfterMs });
  for (;;) {
    const line = readLine();
    parentPort.postMessage({ line: line ?? null, idle });
    if (line === undefined) break;
  }
});
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let reader: Worker | undefined;
afterEach(async () => {
  await reader?.terminate();
});

function startReader(idleAfterMs: number, buffer = createChannelBuffer()) {
  reader = new Worker(READER_THREAD, { eval: true, workerData: { buffer, url: CHANNEL_URL, idleAfterMs } });
  const next = async () => (await once(reader!, "message"))[0] as { line: string | null; idle: number };
  return { writer: channelWriter(buffer), next };
}

describe("the isolate channel's reader", () => {
  it("runs its idle work once per wait longer than idleAfterMs, never while lines keep coming", async () => {
    const { writer, next } = startReader(100);
    // A long wait (several times idleAfterMs): the idle work runs once, not once per 100 ms.
    await sleep(600);
    writer.write("first");
    expect(await next()).toEqual({ line: "first", idle: 1 });
    // A line that comes at once: no idle work before it.
    writer.write("second");
    expect(await next()).toEqual({ line: "second", idle: 1 });
    // Another long wait after a line: the idle work runs again.
    await sleep(600);
    writer.write("third");
    expect(await next()).toEqual({ line: "third", idle: 2 });
    writer.end();
    expect(await next()).toEqual({ line: null, idle: 2 });
  });

  it("reads a line of several chunks whole", async () => {
    const { writer, next } = startReader(1_000);
    const long = "x".repeat((1 << 20) * 2 + 5);
    writer.write(long);
    const { line } = await next();
    expect(line?.length).toBe(long.length);
    expect(line).toBe(long);
  });

  it("takes a line put in directly, then the writer's queue behind it, in order", async () => {
    const buffer = createChannelBuffer();
    const bytes = (text: string) => new TextEncoder().encode(text);
    let drained = 0;
    const writer = channelWriter(buffer, { whenDrained: () => drained++ });
    const putLine = directWriter(buffer);
    expect(putLine(bytes("direct"))).toBe(true);
    // Full until a reader takes it: neither a second direct line nor the writer's goes in.
    expect(putLine(bytes("refused"))).toBe(false);
    writer.write("queued");
    expect(drained).toBe(0);
    const { next } = startReader(1_000, buffer);
    expect((await next()).line).toBe("direct");
    expect((await next()).line).toBe("queued");
    expect(drained).toBe(1);
    // A line longer than one chunk never goes in directly.
    await sleep(50);
    expect(putLine(new Uint8Array((1 << 20) + 1))).toBe(false);
    writer.end();
    expect((await next()).line).toBeNull();
    // Ended stays ended: a direct line is refused, nothing wakes the reader again.
    expect(putLine(bytes("late"))).toBe(false);
  });
});
