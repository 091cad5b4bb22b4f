// The trusted thread of the shared sandbox process that reads the host's lines (it runs no guest
// code). It blocks in a synchronous read of the host's FIFO, so a line wakes this thread and no
// other: the launcher's own asynchronous read went through Deno's thread pool and then the
// launcher's event loop, one more thread hop on the path of every tool call's answer (a bare
// harness of the two paths measured 30–55 µs apart on 2 cores, of ~250 µs).
//
// A line for a session (`L <id> <line>`) whose channel the launcher has handed over goes straight
// into that channel (isolate-channel.js `directWriter`) when the channel is empty. Every other line
// goes to the launcher as a message, in order: `O`, `K`, a line for a session whose channel is
// full (a second line before the isolate took the first), one longer than a chunk, one for a
// session that is not routed yet. Both must never write one session's channel at once, nor out
// of order: the launcher hands a channel over (`{ id, channel, taken }`) each time its queue for
// that session is empty, saying how many of that session's lines it has taken from here, and this
// thread writes directly only while it has sent the launcher exactly that many (a hand-over that
// crossed a line sent meanwhile is stale, and the next one will come). `{ forget: id }` ends the
// route of an ended session.
//
// `workerData` is { path, port, mailbox, activity }: the host's FIFO, which this thread opens
// itself (another thread's open files are out of its reach) before the launcher revokes the
// permission to open it; the port the launcher's messages come through, and an Int32 the
// launcher adds 1 to for each (this thread never turns its event loop: it takes them with
// `receiveMessageOnPort`, only when that count has moved); and an Int32 this thread adds 1 to for
// each line, which tells the launcher the host is busy (see refillWhenQuiet in isolate-host.js).

import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { byteLineReader, compactHeapNow } from "./boot.js";
import { CHUNK_BYTES, directWriter } from "./isolate-channel.js";

const { path, port, mailbox, activity } = workerData;
const file = Deno.openSync(path, { read: true });
Deno.permissions.revokeSync({ name: "read", path });
parentPort.postMessage({ ready: true });

/**
 * id -> { put: its channel's writer, once handed over; forwarded: its lines sent to the launcher;
 * taken: how many of them the launcher had taken at its last hand-over }
 */
const routes = new Map();
let messagesTaken = 0;

function takeMessages() {
  while (Atomics.load(mailbox, 0) !== messagesTaken) {
    // The launcher posts before it counts: the message is in the port's queue.
    const received = receiveMessageOnPort(port);
    if (received === undefined) return;
    messagesTaken += 1;
    const message = received.message;
    if (message.forget !== undefined) {
      routes.delete(message.forget);
      continue;
    }
    const route = routes.get(message.id);
    if (route) {
      route.put ??= directWriter(message.channel);
      route.taken = message.taken;
    }
  }
}

const SPACE = 32;
const L = 76;
const O = 79;
const decoder = new TextDecoder();

function forward(line) {
  parentPort.postMessage({ line: decoder.decode(line) });
}

/**
 * Puts a line for a session straight in its channel when this thread may (see above), and says
 * whether it did; keeps the route of a session the host opens.
 */
function delivered(line) {
  if (line[1] !== SPACE) return false;
  if (line[0] === O) {
    routes.set(decoder.decode(line.subarray(2)), { put: undefined, forwarded: 0, taken: -1 });
    return false;
  }
  const space = line.indexOf(SPACE, 2);
  if (line[0] !== L || space === -1) return false;
  const route = routes.get(decoder.decode(line.subarray(2, space)));
  if (!route) return false;
  const mayWrite = route.put !== undefined && route.taken === route.forwarded;
  if (mayWrite && route.put(line.subarray(space + 1))) return true;
  route.forwarded += 1;
  return false;
}

// This thread never turns its event loop: what it made garbage stays unless it collects it itself,
// once its start is done and after each line longer than a chunk (its copies of it, several MB).
compactHeapNow(globalThis.gc);
const readLine = byteLineReader(file);
for (let line = readLine(); line !== undefined; line = readLine()) {
  Atomics.add(activity, 0, 1);
  takeMessages();
  if (!delivered(line)) forward(line);
  if (line.length > CHUNK_BYTES) compactHeapNow(globalThis.gc);
}
parentPort.postMessage({ endOfInput: true });
