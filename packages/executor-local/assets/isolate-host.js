// The trusted launcher of a shared sandbox process: it runs no guest code. It starts one worker
// thread (a V8 isolate with its own Pyodide) per session the host opens and moves lines between
// the host and the sessions, tagged with the session's id.
//
// The host's channel is two FIFOs in the process's private directory, not stdio: every worker
// can reach the process's stdin and stdout (Deno.stdin, node:fs on fd 0/1), but the FIFOs are
// opened by trusted threads before any session's worker exists, and then the permission to open
// them again is revoked: the workers inherit the permissions of this thread as they are when they
// start (reading the sandbox's own files, nothing else), and a worker cannot reach another
// thread's open files. This thread writes the host's FIFO; the router (isolate-router.js), a
// thread of its own, reads the other and puts most of a session's lines straight in its channel.
// Stdin brings the first line only, the settings:
//   { toSandbox, fromSandbox, maxLineLength, jsHeapMb, spares, session: <runner.js settings> }
// Then, from the host: `O <id>` opens a session, `L <id> <line>` is a line for it, `K <id>`
// ends it. To the host: `W <id> <n>` names the session's thread (`worker-<n>`, for the host's
// per-thread CPU accounting), `L <id> <line>` is a line from it, `E <id> <reason>` says it ended,
// `X <id>` that its thread is gone, `S <id>` that its thread is stuck (see EXIT_DEADLINE_MS).
//
// The workers are node:worker_threads workers, not web Workers: only those take a JavaScript heap
// limit (`resourceLimits`) past which Deno ends that worker alone (a web Worker's heap limit is
// the process's: reaching it aborts every session). The guest cannot start workers (lockDown, in
// each worker); this thread starts them before any guest code can run in them.

import { MessageChannel, Worker } from "node:worker_threads";
import { compactHeapNow, compilePyodideWasm, stdinLineReader, writeAll, writeToStderr } from "./boot.js";
import { channelWriter, createChannelBuffer } from "./isolate-channel.js";

const settings = JSON.parse(stdinLineReader()() ?? "{}");
// Compiled once for every isolate: each worker instantiates this module instead of compiling
// Pyodide's 10 MB of WebAssembly again, and V8 shares the compiled code between isolates.
const modulePromise = compilePyodideWasm(settings.session.pyodideDir);
const fromSandbox = Deno.openSync(settings.fromSandbox, { write: true });
Deno.permissions.revokeSync({ name: "write", path: settings.fromSandbox });
const encoder = new TextEncoder();

function send(line) {
  writeAll(fromSandbox, encoder.encode(`${line}\n`));
}

/** After the compiled module is ready, when the launcher collects its boot's garbage. */
const COMPACT_AFTER_BOOT_MS = 2_000;

/** Each isolate's young generation, in MB (see startIsolate). */
const YOUNG_GENERATION_MB = 2;

/** Counts the workers started, as Deno numbers their threads (`worker-1`, `worker-2`, …). */
let workersStarted = 0;

/**
 * A booted isolate: the worker, its channel and the messages it sent before a session took it
 * (none, for a runtime that waits for the host's first line; kept so that nothing is lost).
 */
function startIsolate(module) {
  const buffer = createChannelBuffer();
  const interrupt = new SharedArrayBuffer(1);
  const worker = new Worker(new URL("./isolate-worker.js", import.meta.url), {
    workerData: { config: settings.session, module, channel: buffer, interrupt },
    // The young generation's default (semi-spaces of up to 16 MB) stays resident in an idle
    // isolate after its boot. Capped at 2 MB, bench/executor/isolation.ts measured 60 MB per
    // idle session after the first against 68 MB, and a peak of 5.8 GB against 6.5 GB for 100
    // CodeAgents at once (one run each, quiet machine); tool call medians stayed in the same
    // range (363–456 µs with or without it, alternated runs of bench/executor/isolate-probe.ts).
    // The old generation's cap is the session's limit.
    resourceLimits: {
      maxOldGenerationSizeMb: settings.jsHeapMb,
      maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
    },
  });
  const isolate = {
    worker,
    buffer,
    channel: channelWriter(buffer, { whenDrained: () => handOver(isolate) }),
    /** The session's lines the router sent here (see isolate-router.js). */
    linesTaken: 0,
    interrupt: new Uint8Array(interrupt),
    thread: ++workersStarted,
    id: undefined,
    /** Set by the worker's first message, sent before any guest code runs. */
    booted: false,
  };
  isolate.early = [];
  worker.on("message", (data) => {
    if (data?.booted === true && !isolate.booted) {
      isolate.booted = true;
      return;
    }
    if (isolate.id === undefined) isolate.early.push(data);
    else receive(isolate, data);
  });
  worker.on("error", (error) => {
    isolate.failure = `its isolate failed: ${error?.message ?? error}`;
    if (isolate.id !== undefined) end(isolate.id, isolate.failure);
  });
  worker.on("exit", () => {
    isolate.exited = true;
    if (isolate.id !== undefined) end(isolate.id, isolate.failure ?? "its isolate exited");
    else spares.delete(isolate);
  });
  return isolate;
}

/**
 * A line from a session's isolate. The guest controls that isolate and can post anything: only
 * a string of one line within the protocol's bounds goes on, so that no session can write a line
 * tagged with another's id, nor a line the host's reader would refuse (which would end them all).
 */
function receive(isolate, data) {
  if (sessions.get(isolate.id) !== isolate) return;
  if (typeof data === "string") {
    const prefix = `L ${isolate.id} `;
    // In bytes, as the host counts: one encoding, one write.
    const bytes = encoder.encode(`${prefix}${data}\n`);
    if (bytes.length <= prefix.length + settings.maxLineLength + 1 && !data.includes("\n")) {
      writeAll(fromSandbox, bytes);
      return;
    }
    end(isolate.id, "its isolate sent a line the protocol does not allow");
  } else if (data?.ended !== undefined) {
    end(isolate.id, String(data.ended).slice(0, 1_000));
  }
}

/** id -> isolate */
const sessions = new Map();
/** Isolates booted ahead of the sessions that will take them (same settings for every one). */
const spares = new Set();

/** Pyodide's compiled module, once ready; the host's commands wait for it in `backlog`. */
let compiled;
const backlog = [];

function open(id) {
  let isolate = spares.values().next().value;
  if (isolate) spares.delete(isolate);
  else isolate = startIsolate(compiled);
  isolate.id = id;
  sessions.set(id, isolate);
  send(`W ${id} ${isolate.thread}`);
  for (const data of isolate.early.splice(0)) receive(isolate, data);
  if (isolate.exited) end(id, isolate.failure ?? "its isolate exited");
  else handOver(isolate);
  if (isolate.booted) refillWhenQuiet();
  else refillSpares();
}

/**
 * Starting a worker blocks this thread until Deno has set up the worker's runtime (35–65 ms
 * measured on 2 cores): done as a session is opened, it held back that session's first requests
 * by as much (a start took 66–120 ms with a booted spare waiting). So the spare that replaces a
 * booted one taken is started once the host has sent nothing for REFILL_WHEN_QUIET_MS (a
 * session's first requests come one after the other; an agent's next step waits for its model),
 * and at the latest REFILL_AT_LATEST_MS later: starts 1 s apart then took 5–10 ms. A session that
 * took an isolate still booting has nothing to be held back yet: the next one starts at once
 * (back to back, the boots then overlap, which measured faster than one after the other).
 */
const REFILL_WHEN_QUIET_MS = 10;
const REFILL_AT_LATEST_MS = 500;
let refillTimer;

/** Refills once no host line has come (the router counts them) for REFILL_WHEN_QUIET_MS. */
function refillWhenQuiet() {
  if (refillTimer !== undefined) return;
  const deadline = Date.now() + REFILL_AT_LATEST_MS;
  let linesSeen = Atomics.load(router.activity, 0);
  const whenQuiet = () => {
    const lines = Atomics.load(router.activity, 0);
    if (lines !== linesSeen && Date.now() < deadline) {
      linesSeen = lines;
      refillTimer = setTimeout(whenQuiet, REFILL_WHEN_QUIET_MS);
      return;
    }
    refillTimer = undefined;
    refillSpares();
  };
  refillTimer = setTimeout(whenQuiet, REFILL_WHEN_QUIET_MS);
}

function refillSpares() {
  while (spares.size < (settings.spares ?? 0)) spares.add(startIsolate(compiled));
}

/**
 * How long an ended session's worker gets to exit. Deno's `worker.terminate()` (2.9.6) stops
 * neither a worker that runs code (JavaScript or WebAssembly loops went on at 100% CPU in our
 * measurements) nor one blocked in `Atomics.wait`, and calling it on a worker that is exiting
 * left its thread behind. So a session is ended from inside: its input ends (an idle runtime
 * returns and its worker exits) and a running Python is interrupted. One still there after this
 * (code that catches KeyboardInterrupt, or loops in JavaScript) is stuck: the host is told, and
 * retires the whole process, the only thing that stops it.
 */
const EXIT_DEADLINE_MS = 5_000;

function end(id, reason) {
  const isolate = sessions.get(id);
  if (!isolate) return;
  sessions.delete(id);
  isolate.channel.end();
  tellRouter({ forget: id });
  send(`E ${id} ${reason.replace(/[\r\n]+/g, " ")}`);
  if (isolate.exited) {
    send(`X ${id}`);
    return;
  }
  isolate.worker.on("exit", () => send(`X ${id}`));
  // A busy isolate (a run past its timeout) reads no input until its Python stops: a
  // KeyboardInterrupt through Pyodide's interrupt buffer stops it (Python checks it between
  // bytecodes), then it reads the end of its input and exits. An idle one reads the end of its
  // input first, and exits before any Python would see it.
  Atomics.store(isolate.interrupt, 0, 2);
  setTimeout(() => {
    if (isolate.exited) return;
    void isolate.worker.terminate();
    send(`S ${id}`);
  }, EXIT_DEADLINE_MS);
}

/**
 * Starts the router (isolate-router.js), which opens the host's FIFO itself, and waits until it
 * has: then the permission to open it can go. Its messages are the host's lines it does not put
 * in a session's channel itself, in order.
 */
async function startRouter() {
  const { port1, port2 } = new MessageChannel();
  const mailbox = new Int32Array(new SharedArrayBuffer(4));
  const activity = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL("./isolate-router.js", import.meta.url), {
    workerData: { path: settings.toSandbox, port: port2, mailbox, activity },
    transferList: [port2],
  });
  // A thread Deno numbers as it does the isolates' (see workersStarted).
  workersStarted += 1;
  const ready = new Promise((resolve, reject) => {
    worker.on("message", (message) => {
      if (message.ready) {
        resolve();
      } else if (message.endOfInput) {
        // The host closed the channel: every session ends with the process.
        Deno.exit(0);
      } else {
        handle(message.line);
      }
    });
    worker.on("error", reject);
  });
  // Without the router no line comes in: the process ends, and the host sees it die.
  worker.on("exit", () => Deno.exit(1));
  await ready;
  return { port: port1, mailbox, activity };
}

/** A message to the router: posted, then counted, so that the router finds it once it sees the count. */
function tellRouter(message) {
  router.port.postMessage(message);
  Atomics.add(router.mailbox, 0, 1);
}

/**
 * Hands a session's channel to the router once nothing of it is queued here: from the line after
 * the `linesTaken` it has sent here, the router may write the channel directly.
 */
function handOver(isolate) {
  if (isolate.id === undefined || sessions.get(isolate.id) !== isolate) return;
  tellRouter({ id: isolate.id, channel: isolate.buffer, taken: isolate.linesTaken });
}

function handle(line) {
  if (compiled === undefined) backlog.push(line);
  else dispatch(line);
}

function dispatch(line) {
  const kind = line[0];
  const space = line.indexOf(" ", 2);
  const id = space === -1 ? line.slice(2) : line.slice(2, space);
  if (kind === "L") {
    const isolate = sessions.get(id);
    if (!isolate) return;
    isolate.linesTaken += 1;
    isolate.channel.write(line.slice(space + 1));
  } else if (kind === "O") {
    try {
      open(id);
    } catch (error) {
      send(`E ${id} its isolate could not start: ${String(error).replace(/[\r\n]+/g, " ")}`);
      tellRouter({ forget: id });
    }
  } else if (kind === "K") {
    end(id, "stopped by the host");
  } else {
    writeToStderr(`smol shared sandbox: unknown command ${JSON.stringify(line.slice(0, 40))}`);
  }
}

// Before any session's worker exists: each inherits this thread's permissions as it starts.
const router = await startRouter();
Deno.permissions.revokeSync({ name: "read", path: settings.toSandbox });

modulePromise.then(
  (module) => {
    compiled = module;
    refillSpares();
    for (const line of backlog.splice(0)) dispatch(line);
    // The boot's garbage, once the first sessions have had their start: V8's memory reducer
    // would take longer than a process's idle sessions wait (measured ~3 MB of this thread's heap).
    setTimeout(() => compactHeapNow(globalThis.gc), COMPACT_AFTER_BOOT_MS);
  },
  (error) => {
    writeToStderr(`smol shared sandbox: Pyodide's WebAssembly did not compile: ${error}`);
    Deno.exit(1);
  },
);
