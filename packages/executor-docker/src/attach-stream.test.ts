import { describe, expect, it } from "vitest";
import { AttachStreamDemultiplexer } from "./attach-stream.js";

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, "utf8");
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function collect() {
  const out: string[] = [];
  const err: string[] = [];
  const demultiplexer = new AttachStreamDemultiplexer(
    (payload) => out.push(payload.toString("utf8")),
    (payload) => err.push(payload.toString("utf8")),
  );
  return { out, err, demultiplexer };
}

describe("AttachStreamDemultiplexer", () => {
  it("routes stdout and stderr frames, several in one chunk", () => {
    const { out, err, demultiplexer } = collect();
    demultiplexer.push(Buffer.concat([frame(1, "one\n"), frame(2, "warning\n"), frame(1, "two\n")]));
    expect(out).toEqual(["one\n", "two\n"]);
    expect(err).toEqual(["warning\n"]);
  });

  it("waits for the rest of a frame split across chunks, header included", () => {
    const { out, err, demultiplexer } = collect();
    const bytes = Buffer.concat([frame(1, "héllo ✓\n"), frame(2, "oops")]);
    for (let index = 0; index < bytes.length; index += 3)
      demultiplexer.push(bytes.subarray(index, index + 3));
    expect(out.join("")).toBe("héllo ✓\n");
    expect(err.join("")).toBe("oops");
  });

  it("does not let frame payloads that look like headers confuse it", () => {
    const { out, err, demultiplexer } = collect();
    // A payload that itself contains a stderr header must stay stdout content.
    const fakeHeader = frame(2, "forged").toString("latin1");
    demultiplexer.push(frame(1, fakeHeader));
    expect(err).toEqual([]);
    expect(out.join("")).toBe(Buffer.from(fakeHeader, "latin1").toString("utf8"));
  });

  it("keeps an empty frame harmless", () => {
    const { out, demultiplexer } = collect();
    demultiplexer.push(Buffer.concat([frame(1, ""), frame(1, "after")]));
    expect(out).toEqual(["", "after"]);
  });
});
