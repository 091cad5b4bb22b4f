// The host's lines for one isolate, handed from the launcher's thread to the isolate's through a
// SharedArrayBuffer: the isolate reads them synchronously (a tool call blocks the Python code
// until the host answers), which a message event could not do. A line longer than a chunk goes
// in several chunks; the launcher waits (Atomics.waitAsync, without blocking its thread) for the
// reader to take one before it puts the next in. The buffer is shared by the launcher and that
// one isolate only: a guest that scribbles on it garbles its own input, nobody else's.
//
// Layout: Int32 [state (0 empty, 1 full, 2 end of input: stays so), chunk length, last chunk of a line],
// then the chunk's bytes.

export const CHUNK_BYTES = 1 << 20;
const HEADER_BYTES = 12;
const EMPTY = 0;
const FULL = 1;
const END = 2;

export function createChannelBuffer() {
  return new SharedArrayBuffer(HEADER_BYTES + CHUNK_BYTES);
}

/** The launcher's side: queues lines, and puts the next chunk in once the reader took the last. */
export function channelWriter(buffer) {
  const header = new Int32Array(buffer, 0, 3);
  const bytes = new Uint8Array(buffer, HEADER_BYTES);
  const encoder = new TextEncoder();
  const queue = [];
  let waiting = false;
  function fill() {
    while (queue.length > 0) {
      if (Atomics.load(header, 0) !== EMPTY) {
        if (!waiting) {
          waiting = true;
          const { async, value } = Atomics.waitAsync(header, 0, FULL);
          const again = () => {
            waiting = false;
            fill();
          };
          if (async) value.then(again);
          else queueMicrotask(again);
        }
        return;
      }
      const next = queue.shift();
      bytes.set(next.chunk);
      header[1] = next.chunk.length;
      header[2] = next.last ? 1 : 0;
      Atomics.store(header, 0, FULL);
      Atomics.notify(header, 0);
    }
  }
  return {
    write(line) {
      const encoded = encoder.encode(line);
      let offset = 0;
      do {
        const chunk = encoded.subarray(offset, offset + CHUNK_BYTES);
        offset += CHUNK_BYTES;
        queue.push({ chunk, last: offset >= encoded.length });
      } while (offset < encoded.length);
      fill();
    },
    /**
     * Ends the input, whatever is queued: the reader's next wait returns undefined, so that a
     * runtime blocked reading (an idle session) returns and its worker exits by itself. (Deno's
     * `terminate()` does not stop a worker that is blocked or busy: see isolate-host.js.)
     */
    end() {
      queue.length = 0;
      Atomics.store(header, 0, END);
      Atomics.notify(header, 0);
    },
  };
}

/**
 * The isolate's side: a blocking `readLine`; undefined at end of input. `whenIdle`, when given,
 * runs once whenever the reader has waited `idleAfterMs` with no line since the last one (or
 * since it started): the isolate's event loop does not turn while it blocks here, so nothing
 * else would tidy its memory (V8's memory reducer runs as event-loop tasks).
 */
export function channelReader(buffer, { whenIdle, idleAfterMs = 0 } = {}) {
  const header = new Int32Array(buffer, 0, 3);
  const bytes = new Uint8Array(buffer, HEADER_BYTES);
  const decoder = new TextDecoder();
  let idleWorkDone = !whenIdle;
  function waitForChunk() {
    if (!idleWorkDone && Atomics.wait(header, 0, EMPTY, idleAfterMs) === "timed-out") {
      idleWorkDone = true;
      whenIdle();
    }
    Atomics.wait(header, 0, EMPTY);
  }
  return function readLine() {
    const parts = [];
    for (;;) {
      waitForChunk();
      const state = Atomics.load(header, 0);
      if (state === END) return undefined;
      if (state !== FULL) continue;
      parts.push(bytes.slice(0, Math.min(Math.max(header[1], 0), CHUNK_BYTES)));
      const last = header[2] === 1;
      Atomics.store(header, 0, EMPTY);
      Atomics.notify(header, 0);
      if (last) break;
    }
    idleWorkDone = !whenIdle;
    if (parts.length === 1) return decoder.decode(parts[0]);
    const whole = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      whole.set(part, offset);
      offset += part.length;
    }
    return decoder.decode(whole);
  };
}
