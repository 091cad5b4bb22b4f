// The host's lines for one isolate, handed to the isolate's thread through a SharedArrayBuffer:
// the isolate reads them synchronously (a tool call blocks the Python code until the host
// answers), which a message event could not do. Two trusted threads write there, never at once
// (isolate-router.js says when each may): the router puts a line in directly when the channel is
// empty and the line fits one chunk (`directWriter`, the path of a tool call's answer), the launcher
// queues the others (`channelWriter`): a line longer than a chunk goes in several chunks, and the
// launcher waits (Atomics.waitAsync, without blocking its thread) for the reader to take one
// before it puts the next in. The buffer is shared by those threads and that one isolate only: a
// guest that scribbles on it garbles its own input, nobody else's, and no writer ever waits on it
// blocking.
//
// Layout: Int32 [state (0 empty, 1 full, 2 end of input: stays so, 3 being filled), chunk length,
// last chunk of a line], then the chunk's bytes.

export const CHUNK_BYTES = 1 << 20;
const HEADER_BYTES = 12;
const EMPTY = 0;
const FULL = 1;
const END = 2;
const FILLING = 3;

export function createChannelBuffer() {
  return new SharedArrayBuffer(HEADER_BYTES + CHUNK_BYTES);
}

function channelViews(buffer) {
  return { header: new Int32Array(buffer, 0, 3), bytes: new Uint8Array(buffer, HEADER_BYTES) };
}

/**
 * Puts one chunk in if the channel is empty; false if it is not (full, ended, or scribbled on by
 * its guest). The state goes empty -> being filled -> full with compare-and-exchange, so that an
 * end of input stored meanwhile (the session ended) stays: that chunk is then dropped.
 */
function tryPutChunk({ header, bytes }, chunk, last) {
  if (Atomics.compareExchange(header, 0, EMPTY, FILLING) !== EMPTY) return false;
  bytes.set(chunk);
  header[1] = chunk.length;
  header[2] = last ? 1 : 0;
  Atomics.compareExchange(header, 0, FILLING, FULL);
  Atomics.notify(header, 0);
  return true;
}

/**
 * The router's writer of one channel: puts a whole line (bytes, no "\n") in as one chunk, or says
 * false if it cannot now (see tryPutChunk; or the line is longer than a chunk).
 */
export function directWriter(buffer) {
  const views = channelViews(buffer);
  return (line) => line.length <= CHUNK_BYTES && tryPutChunk(views, line, true);
}

/**
 * The launcher's side: queues lines, and puts the next chunk in once the reader took the last.
 * `whenDrained` runs each time the queue has emptied after a write (its last chunk is in).
 */
export function channelWriter(buffer, { whenDrained } = {}) {
  const views = channelViews(buffer);
  const { header } = views;
  const encoder = new TextEncoder();
  const queue = [];
  let waiting = false;
  function fill() {
    while (queue.length > 0) {
      if (!tryPutChunk(views, queue[0].chunk, queue[0].last)) {
        const state = Atomics.load(header, 0);
        if (state === END) return;
        if (!waiting) {
          waiting = true;
          // Woken by the reader taking the chunk (or by anything that changes the state).
          const { async, value } = Atomics.waitAsync(header, 0, state);
          const again = () => {
            waiting = false;
            fill();
          };
          if (async) value.then(again);
          else queueMicrotask(again);
        }
        return;
      }
      queue.shift();
    }
    whenDrained?.();
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
  const { header, bytes } = channelViews(buffer);
  const decoder = new TextDecoder();
  let idleWorkDone = !whenIdle;
  function waitForChunk() {
    if (!idleWorkDone && Atomics.wait(header, 0, EMPTY, idleAfterMs) === "timed-out") {
      idleWorkDone = true;
      whenIdle();
    }
    Atomics.wait(header, 0, EMPTY);
    // A writer between its two steps: it notifies once the chunk is in.
    Atomics.wait(header, 0, FILLING);
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
