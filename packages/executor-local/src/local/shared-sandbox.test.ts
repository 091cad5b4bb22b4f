/**
 * `isolation: "isolate"`: many executors in one shared Deno process, each session in an isolate
 * of its own. What one session can do to the others (read or change their state, see their tool
 * calls, write lines in their name, starve or kill them), and what becomes of them when the
 * shared process itself dies.
 */
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CodeAgent, LogLevel, tool } from "@smol/core";
import { LocalPythonExecutor, type LocalPythonExecutorOptions } from "@smol/executor-local";
import { ScriptedModel } from "@smol/testing";
import { afterEach, describe, expect, it } from "vitest";
import { cpuTimeMs } from "./cpu-watchdog.js";

const cacheDir = join(tmpdir(), "smol-executor-local-test-cache");
const timeout = 120_000;
const onLinux = process.platform === "linux";
const opened: LocalPythonExecutor[] = [];

function isolate(options: LocalPythonExecutorOptions = {}): LocalPythonExecutor {
  const executor = new LocalPythonExecutor({
    cacheDir,
    isolation: "isolate",
    additionalAuthorizedImports: ["*"],
    ...options,
  });
  opened.push(executor);
  return executor;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((executor) => executor.cleanup()));
});

/** Python that runs a JavaScript function body and returns what it returns (or the error's text). */
const javascript = (body: string) =>
  `import js\ntry:\n    result = js.Function.new(${JSON.stringify(body)})()\nexcept Exception as error:\n    result = "error: " + str(error)\nresult`;

async function pidOf(executor: LocalPythonExecutor): Promise<number> {
  const output = await executor.run("import js\njs.Deno.pid");
  expect(output.error, JSON.stringify(output)).toBeUndefined();
  return output.output as number;
}

/**
 * Two sessions of one shared process: the attacker, and another with a variable (`kept = 1`) that
 * must survive the attack; `pid` is their process's.
 */
async function attackerAndVictim() {
  const attacker = isolate();
  const other = isolate();
  await other.run("kept = 1");
  return { attacker, other, pid: await pidOf(other) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The names of a process's worker threads (Deno names them `worker-<n>`): one per isolate. */
function workerThreads(pid: number): string[] {
  return readdirSync(`/proc/${pid}/task`)
    .map((tid) => {
      try {
        return readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim();
      } catch {
        return "";
      }
    })
    .filter((name) => /^worker-\d+$/.test(name));
}

/** A tool that gives its text back. */
function echoTool() {
  return tool(
    {
      name: "echo",
      description: "Gives its text back.",
      inputs: { text: { type: "string", description: "text" } },
      outputType: "string",
    },
    ({ text }) => text,
  );
}

/** CPU time (ms) in one second under which a process counts as idle. */
const IDLE_CPU_MS = 300;

/**
 * The least CPU time (ms) the process used in one second, over up to `seconds` one-second
 * windows (it stops at the first idle one).
 */
async function quietestSecondOfCpu(pid: number, seconds: number): Promise<number> {
  let quietest = Number.POSITIVE_INFINITY;
  for (let window = 0; window < seconds && quietest >= IDLE_CPU_MS; window++) {
    const before = (await cpuTimeMs(pid))!;
    await sleep(1_000);
    quietest = Math.min(quietest, (await cpuTimeMs(pid))! - before);
  }
  return quietest;
}

describe("LocalPythonExecutor with isolation: 'isolate'", () => {
  it(
    "runs the executors of the same settings in one process, and the others in another",
    async () => {
      const first = isolate();
      const second = isolate();
      const otherSettings = isolate({ memoryLimitMb: 256 });
      const [a, b, c] = await Promise.all([pidOf(first), pidOf(second), pidOf(otherSettings)]);
      expect(a).toBe(b);
      expect(c).not.toBe(a);
      await using own = new LocalPythonExecutor({ cacheDir, additionalAuthorizedImports: ["js"] });
      expect(await pidOf(own)).not.toBe(a);
    },
    timeout,
  );

  it(
    "serves CodeAgents given executorOptions: { isolation: 'isolate' } from one shared process",
    async () => {
      const agents = [1, 2].map(
        (index) =>
          new CodeAgent({
            tools: [],
            model: new ScriptedModel([
              `Thought: where am I?\n<code>\nimport js\nfinal_answer([js.Deno.pid, ${index}])\n</code>`,
            ]),
            verbosityLevel: LogLevel.OFF,
            executorType: "local",
            executorOptions: { isolation: "isolate", cacheDir },
            additionalAuthorizedImports: ["js"],
          }),
      );
      try {
        const answers = (await Promise.all(agents.map((agent) => agent.run("Go.")))) as [number, number][];
        expect(answers.map((answer) => answer[1])).toEqual([1, 2]);
        expect(answers[0]![0]).toBe(answers[1]![0]);
        expect(answers[0]![0]).not.toBe(process.pid);
      } finally {
        await Promise.all(agents.map((agent) => agent[Symbol.asyncDispose]()));
      }
    },
    timeout,
  );

  it(
    "gives a session the host's lines in order, whether they fit the channel's chunk or not",
    async () => {
      // Lines that fit one chunk of the channel (1 MB) go straight from the router to the session,
      // longer ones through the launcher's queue (isolate-router.js): mixed, none may overtake.
      const session = isolate();
      const letters = tool(
        {
          name: "letters",
          description: "Gives that many letters.",
          inputs: { count: { type: "integer", description: "how many" } },
          outputType: "string",
        },
        ({ count }) => "y".repeat(count),
      );
      await session.sendTools([letters]);
      const counts = [10, 3_000_000, 10, 10, 2_500_000, 1_000_000, 10];
      const answered = await session.run(
        `[len(letters(count=count)) for count in ${JSON.stringify(counts)}]`,
      );
      expect(answered.error).toBeUndefined();
      expect(answered.output).toEqual(counts);
      const longCode = await session.run(`text = "${"z".repeat(1_500_000)}"\nlen(text)`);
      expect(longCode.output).toBe(1_500_000);
      expect((await session.run("6 * 7")).output).toBe(42);
    },
    timeout,
  );

  it(
    "keeps each session's Python variables and JavaScript globals to itself",
    async () => {
      const first = isolate();
      const second = isolate();
      expect((await first.run("secret = 'first-session-secret'")).error).toBeUndefined();
      expect((await first.run(javascript("globalThis.planted = 'first-js'; return 1"))).output).toBe(1);
      expect(await pidOf(first)).toBe(await pidOf(second));
      expect((await second.run("globals().get('secret')")).output).toBeNull();
      expect((await second.run(javascript("return String(globalThis.planted)"))).output).toBe("undefined");
      // Changing its own copy of what the other has changes nothing there.
      await second.run("secret = 'changed by the second'");
      await second.run(javascript("globalThis.planted = 'second-js'; return 1"));
      expect((await first.run("secret")).output).toBe("first-session-secret");
      expect((await first.run(javascript("return globalThis.planted"))).output).toBe("first-js");
    },
    timeout,
  );

  it(
    "lets no session change the standard library that the others import from",
    async () => {
      const first = isolate();
      const second = isolate();
      expect(await pidOf(first)).toBe(await pidOf(second));
      // Python reads the zip from disk (boot.js): it cannot be written; changing its size or mode
      // changes this session's view only.
      const attempt = await first.run(
        [
          "import os",
          "outcomes = []",
          "def overwrite():",
          "    with open('/lib/python314.zip', 'r+b') as file:",
          "        file.write(b'PK')",
          "def replace():",
          "    os.chmod('/lib/python314.zip', 0o666)",
          "    with open('/lib/python314.zip', 'wb') as file:",
          "        file.write(b'x')",
          "for write in (overwrite, replace):",
          "    try:",
          "        write()",
          "        outcomes.append('written')",
          "    except OSError as error:",
          "        outcomes.append(type(error).__name__)",
          "os.truncate('/lib/python314.zip', 0)",
          "outcomes + [os.path.getsize('/lib/python314.zip')]",
        ].join("\n"),
      );
      expect(attempt.output).toEqual(["PermissionError", "PermissionError", 0]);
      // Modules that no session has loaded yet import whole in the other session.
      const imported = await second.run(
        "import difflib, fractions\n[difflib.SequenceMatcher(None, 'ab', 'ac').ratio(), str(fractions.Fraction(2, 4))]",
      );
      expect(imported.output).toEqual([0.5, "1/2"]);
      expect((await second.run("import os\nos.path.getsize('/lib/python314.zip')")).output).toBeGreaterThan(
        1_000_000,
      );
    },
    timeout,
  );

  it.runIf(onLinux)(
    "boots the next spare once a session has taken a booted one, while that session keeps calling tools",
    async () => {
      const first = isolate();
      await first.run("1");
      const pid = await pidOf(first);
      // The first session took the spare the process booted as it started, and called for the next.
      await sleep(3_000);
      const busy = isolate();
      await busy.sendTools([echoTool()]);
      // The launcher starts the next spare once the host falls quiet for a moment, or half a
      // second after the opening if it never does: tool calls one after the other for 2 s keep
      // it busy, and the spare must come during them.
      const calling = busy.run(
        "import time\nend = time.time() + 2\ncalls = 0\nwhile time.time() < end:\n    echo(text='x')\n    calls += 1\ncalls",
      );
      await sleep(1_500);
      const threads = workerThreads(pid);
      expect((await calling).output).toBeGreaterThan(100);
      expect(
        threads,
        "the router's thread, and the isolates': the first session's, the busy one's, a spare",
      ).toHaveLength(4);
      expect(await pidOf(isolate())).toBe(pid);
    },
    timeout,
  );

  it(
    "lets no session see another's tool calls, or write lines in its name",
    async () => {
      const calls: string[] = [];
      const record = tool(
        {
          name: "record",
          description: "Records a text.",
          inputs: { text: { type: "string", description: "text" } },
          outputType: "string",
        },
        ({ text }) => {
          calls.push(text);
          return `recorded ${text}`;
        },
      );
      const victim = isolate();
      const attacker = isolate();
      await victim.sendTools([record]);
      expect(await pidOf(victim)).toBe(await pidOf(attacker));
      // The channel's FIFOs are in the process's working directory: the launcher and its router
      // opened them and gave up the permission before any session started.
      const fifos = await attacker.run(
        javascript(
          "const fs = process.getBuiltinModule('node:fs'); const out = [];" +
            "for (const [name, flags] of [['to-sandbox', 'r'], ['from-sandbox', 'w'], ['to-sandbox', 'w']]) {" +
            "  try { fs.closeSync(fs.openSync(name, flags)); out.push('opened ' + name); } catch (e) { out.push(e.name); } }" +
            "return out.join(',')",
        ),
      );
      expect(fifos.output).toBe("NotCapable,NotCapable,NotCapable");
      // Whatever file descriptors the attacker's thread can reach: reading them while the victim
      // calls its tool finds nothing of the call.
      const reading = attacker.run(
        javascript(
          "const fs = process.getBuiltinModule('node:fs'); const seen = []; const end = Date.now() + 1500;" +
            "while (Date.now() < end) { for (let fd = 0; fd < 64; fd++) { try { const b = Buffer.alloc(4096);" +
            " const n = fs.readSync(fd, b); if (n > 0) seen.push(b.subarray(0, n).toString()); } catch {} } }" +
            "return seen.join('')",
        ),
      );
      await sleep(200);
      const called = await victim.run("record(text='victim-canary-31337')");
      expect(called.output).toBe("recorded victim-canary-31337");
      expect(String((await reading).output)).not.toContain("victim-canary");
      // A line with a newline in it would end in the victim's session, tagged with its id.
      const forged = `{}\\nL 0 {"type":"call_tool","id":"x","name":"record","arguments":{"text":"forged"}}`;
      for (const target of ["0", "1", "2", "3"]) {
        await attacker.run(
          javascript(
            `process.getBuiltinModule('node:worker_threads').parentPort.postMessage('${forged.replace("L 0", `L ${target}`)}'); return 1`,
          ),
        );
      }
      expect(calls).toEqual(["victim-canary-31337"]);
      // A line longer than the protocol allows would stop the host's reader of the whole process.
      const long = await attacker.run(
        javascript(
          "process.getBuiltinModule('node:worker_threads').parentPort.postMessage('x'.repeat(9 * 2 ** 20)); return 1",
        ),
      );
      expect(long.error?.message).toContain("a line the protocol does not allow");
      expect((await victim.run("record(text='still-here')")).output).toBe("recorded still-here");
    },
    timeout,
  );

  it(
    "garbles only its own input when a session scribbles on its channel's shared memory",
    async () => {
      // The channel is the one memory a session shares with the trusted threads (the router
      // writes it directly). Marked full, with a length out of bounds and no last chunk, it hands
      // the session's own runtime a megabyte of garbage in front of its next line: that session
      // gets a clear error and a fresh isolate; no other session's input is touched.
      const { attacker: scribbler, other, pid } = await attackerAndVictim();
      expect(await pidOf(scribbler)).toBe(pid);
      const scribbled = await scribbler.run(
        javascript(
          "const { workerData } = process.getBuiltinModule('node:worker_threads');" +
            "const header = new Int32Array(workerData.channel, 0, 3);" +
            "Atomics.store(header, 0, 1); header[1] = 2 ** 30; header[2] = 7; return 1",
        ),
      );
      expect(scribbled.output).toBe(1);
      const garbling = scribbler.run("6 * 7");
      await other.sendTools([echoTool()]);
      for (let call = 0; call < 5; call++) {
        expect((await other.run(`echo(text='call ${call}')`)).output).toBe(`call ${call}`);
      }
      expect((await other.run("kept")).output).toBe(1);
      const garbled = await garbling;
      expect(garbled.error?.type).toBe("SandboxError");
      expect(garbled.error?.message).toContain("not JSON");
      // A fresh isolate afterwards, in the same process.
      expect((await scribbler.run("6 * 7")).output).toBe(42);
      expect(await pidOf(scribbler)).toBe(pid);
    },
    timeout,
  );

  it(
    "times out one session's endless loop without slowing or restarting the others",
    async () => {
      const looping = isolate({ timeoutSeconds: 3 });
      const other = isolate();
      await other.run("kept = 41");
      const pid = await pidOf(other);
      expect(await pidOf(looping)).toBe(pid);
      const loop = looping.run("while True:\n    pass");
      await sleep(500);
      const started = Date.now();
      for (let index = 0; index < 5; index++) expect((await other.run("kept + 1")).output).toBe(42);
      expect(Date.now() - started).toBeLessThan(2_500);
      expect((await loop).error?.type).toBe("TimeoutError");
      expect((await looping.run("6 * 7")).output).toBe(42);
      expect((await other.run("kept + 1")).output).toBe(42);
      expect(await pidOf(looping)).toBe(pid);
      // The loop itself stopped (a KeyboardInterrupt): the process is back to idle. Once the
      // spare isolate that the new session called for has booted (under a loaded machine, that can
      // reach into the first second): a loop left running would burn a whole second of every one.
      if (onLinux) expect(await quietestSecondOfCpu(pid, 5)).toBeLessThan(IDLE_CPU_MS);
      expect(await pidOf(isolate())).toBe(pid);
    },
    timeout,
  );

  it(
    "retires the process when a session's JavaScript loop outlives its timeout: new sessions go to a fresh one",
    async () => {
      const looping = isolate({ timeoutSeconds: 2 });
      const other = isolate();
      await other.run("kept = 41");
      const pid = await pidOf(other);
      expect(await pidOf(looping)).toBe(pid);
      // Deno cannot stop a worker that loops in JavaScript, and the loop ignores KeyboardInterrupt.
      expect((await looping.run(javascript("for (;;) {}"))).error?.type).toBe("TimeoutError");
      await sleep(6_000);
      expect(await pidOf(isolate())).not.toBe(pid);
      // The retired process still serves the sessions it has, until the grace runs out.
      expect((await other.run("kept + 1")).output).toBe(42);
      expect(await pidOf(other)).toBe(pid);
    },
    timeout,
  );

  it(
    "holds one session's JavaScript heap and Python heap to its limit while the others keep working",
    async () => {
      const bomb = isolate({ memoryLimitMb: 128, timeoutSeconds: 8 });
      const other = isolate({ memoryLimitMb: 128 });
      await other.run("kept = 41");
      const pid = await pidOf(other);
      expect(await pidOf(bomb)).toBe(pid);
      // Deno stops the isolate at its heap limit (a worker's `resourceLimits`); the run then
      // ends at its timeout at the latest. The process and the other session carry on.
      const heap = bomb.run(javascript("const a = []; for (;;) a.push({ x: Math.random(), y: [1, 2, 3] });"));
      await sleep(2_000);
      expect((await other.run("kept + 1")).output).toBe(42);
      expect(["MemoryError", "TimeoutError"]).toContain((await heap).error?.type);
      const python = await bomb.run("blocks = []\nwhile True:\n    blocks.append(bytearray(10_000_000))");
      expect(python.error?.type).toBe("MemoryError");
      expect((await other.run("kept + 1")).output).toBe(42);
      expect(await pidOf(other)).toBe(pid);
      expect((await bomb.run("6 * 7")).output).toBe(42);
    },
    timeout,
  );

  it(
    "ends alone a session whose code exits its isolate, or burns CPU while it looks idle",
    async () => {
      const crashing = isolate({ timeoutSeconds: 60 });
      const other = isolate();
      await other.run("kept = 41");
      const pid = await pidOf(other);
      for (const exit of ["Deno.exit(3)", "process.exit(4)", "close()"]) {
        const output = await crashing.run(javascript(exit));
        expect(output.error?.type, exit).toBe("SandboxError");
        expect(output.error?.message, exit).toContain("the code exited");
      }
      expect((await other.run("kept + 1")).output).toBe(42);
      if (onLinux) {
        // A line of its own is what the host takes for the end of the session's answer: the loop
        // that follows looks idle, which only the session's CPU watchdog can see.
        const started = Date.now();
        const output = await crashing.run(
          javascript(
            "process.getBuiltinModule('node:worker_threads').parentPort.postMessage(''); for (;;) {}",
          ),
        );
        // 1 s of CPU in 2 s: on a loaded machine the loop gets less than a core, so it takes longer.
        expect(Date.now() - started).toBeLessThan(60_000);
        expect(output.error?.message).toMatch(/CPU/);
        expect((await crashing.run("6 * 7")).output).toBe(42);
      }
      expect((await other.run("kept + 1")).output).toBe(42);
      expect(await pidOf(other)).toBe(pid);
    },
    timeout,
  );

  it(
    "keeps the process's permissions out of a session's reach (revoking them would break every other session)",
    async () => {
      const { attacker, other, pid } = await attackerAndVictim();
      // Deno's permissions are the process's: a worker thread that revokes one revokes it for
      // the launcher and for every isolate. Every route to `revoke` must be closed.
      const routes = {
        "Deno.permissions": "return Deno.permissions.revokeSync({ name: 'read' }).state",
        "its prototype's method":
          "return Object.getPrototypeOf(Deno.permissions).revokeSync.call({}, { name: 'read' }).state",
      };
      for (const [route, body] of Object.entries(routes)) {
        const output = await attacker.run(javascript(body));
        expect(String(output.output), route).toMatch(/^error: .*permissions cannot be changed/);
      }
      // The others still read the sandbox's files: a module not in the snapshot, a new session.
      expect((await other.run("import difflib\nkept + len(difflib.__name__)")).output).toBe(8);
      const late = isolate();
      expect((await late.run("import fractions\nstr(fractions.Fraction(1, 3))")).output).toBe("1/3");
      expect(await pidOf(late)).toBe(pid);
    },
    timeout,
  );

  it(
    "keeps a session from killing the shared process with a signal to itself",
    async () => {
      const { attacker, other, pid } = await attackerAndVictim();
      for (const kill of ["Deno.kill(Deno.pid, 'SIGKILL')", "process.kill(process.pid, 'SIGTERM')"]) {
        const output = await attacker.run(javascript(`${kill}; return 'sent'`));
        expect(String(output.output), kill).toMatch(/^error: .*signals cannot be sent/);
      }
      await sleep(300);
      expect((await other.run("kept + 1")).output).toBe(2);
      expect(await pidOf(other)).toBe(pid);
    },
    timeout,
  );

  it(
    "gives every session a clear error and a fresh sandbox when the shared process dies",
    async () => {
      const first = isolate();
      const second = isolate();
      await first.run("kept = 1");
      await second.run("kept = 2");
      const pid = await pidOf(first);
      expect(await pidOf(second)).toBe(pid);
      process.kill(pid, "SIGKILL");
      await sleep(300);
      for (const executor of [first, second]) {
        const output = await executor.run("globals().get('kept')");
        expect(output.output).toBeNull();
        expect(output.logs).toContain("shared sandbox process was killed by SIGKILL");
        expect(output.logs).toContain("restarted");
      }
      const fresh = await pidOf(first);
      expect(fresh).not.toBe(pid);
      expect(await pidOf(second)).toBe(fresh);
    },
    timeout,
  );
});
