import { homedir } from "node:os";
import type { Attack } from "./attacks.js";

// Attacks on what a JavaScript sandbox (Pyodide in Deno) offers the guest beyond Python: worker
// threads that would outlive the run, WebGPU and its native drivers, Deno internals, and the
// host paths that the process's own metadata would reveal. Each attack runs JavaScript through
// `import js`; on an executor without JavaScript (real CPython) the import fails and the attack
// reports "no javascript", which is as safe an outcome as any.

/** A Python string literal (JSON strings are valid Python literals). */
const py = (value: string): string => JSON.stringify(value);

/**
 * Python that runs `body` as a JavaScript function and gives its return value, which the body
 * makes a JSON string (so that the check sees plain data, not a JS proxy).
 */
function javascript(body: string): string {
  return [
    "try:",
    "    import js",
    "except ImportError:",
    "    outcome = 'no javascript'",
    "else:",
    `    outcome = js.Function.new(${py(body)})()`,
    "outcome",
  ].join("\n");
}

const NO_JAVASCRIPT = "no javascript";

/** Parses what `javascript` returned; undefined when the executor has no JavaScript. */
function parsed(output: { output: unknown; error?: unknown }): unknown {
  if (output.error) throw new Error(`the probe itself failed: ${JSON.stringify(output.error)}`);
  if (output.output === NO_JAVASCRIPT) return undefined;
  if (typeof output.output !== "string")
    throw new Error(`unexpected output ${JSON.stringify(output.output)}`);
  return JSON.parse(output.output);
}

/** JavaScript that tries `start` (an expression creating a worker that spins forever) and says what happened. */
function tryWorker(start: string): string {
  return (
    "let worker; try { worker = (" +
    start +
    "); } catch (error) { return JSON.stringify('refused: ' + String(error)); }" +
    " try { worker.terminate?.(); } catch {} return JSON.stringify('started');"
  );
}

function expectRefused(output: { output: unknown; error?: unknown }, what: string): void {
  const outcome = parsed(output);
  if (outcome === undefined) return;
  if (typeof outcome !== "string" || !outcome.startsWith("refused")) {
    throw new Error(`${what}: the guest got a worker thread (${JSON.stringify(outcome)})`);
  }
}

const SPIN = JSON.stringify("for (;;) {}");

function workerAttacks(): Attack[] {
  return [
    {
      name: "starts a worker thread with the global Worker",
      on: "open",
      code: () =>
        javascript(
          tryWorker(`new Worker("data:text/javascript," + encodeURIComponent(${SPIN}), { type: "module" })`),
        ),
      check: (output) => expectRefused(output, "the web Worker"),
    },
    {
      name: "starts a worker thread through process.getBuiltinModule('node:worker_threads')",
      on: "open",
      code: () =>
        javascript(
          tryWorker(`new (process.getBuiltinModule("node:worker_threads").Worker)(${SPIN}, { eval: true })`),
        ),
      check: (output) => expectRefused(output, "node:worker_threads"),
    },
    {
      name: "starts a worker thread through require() from module.createRequire",
      on: "open",
      code: () =>
        javascript(
          tryWorker(
            `new (process.getBuiltinModule("node:module").createRequire("/sandbox.js")("worker_threads").Worker)(${SPIN}, { eval: true })`,
          ),
        ),
      check: (output) => expectRefused(output, "require('worker_threads')"),
    },
    {
      name: "starts a worker thread from a subclass of node's Worker",
      on: "open",
      code: () =>
        javascript(
          tryWorker(
            `new (class extends process.getBuiltinModule("worker_threads").Worker {})(${SPIN}, { eval: true })`,
          ),
        ),
      check: (output) => expectRefused(output, "a subclass of Worker"),
    },
    {
      name: "puts back the prototype of node's Worker class, then starts a worker",
      on: "open",
      code: () =>
        javascript(
          "const W = process.getBuiltinModule('worker_threads').Worker;" +
            "const EventEmitter = process.getBuiltinModule('events').EventEmitter;" +
            "try { Object.setPrototypeOf(W, EventEmitter); } catch {}" +
            tryWorker(`new W(${SPIN}, { eval: true })`),
        ),
      check: (output) => expectRefused(output, "a repaired Worker class"),
    },
    {
      name: "awaits import('node:worker_threads') with run_sync and starts a worker",
      on: "open",
      code: () =>
        [
          "try:",
          "    import js",
          "    from pyodide.ffi import run_sync",
          "except ImportError:",
          `    outcome = ${py(NO_JAVASCRIPT)}`,
          "else:",
          "    try:",
          "        module = run_sync(js.eval(\"import('node:worker_threads')\"))",
          `        worker = module.Worker.new(${py("for (;;) {}")}, js.JSON.parse('{"eval": true}'))`,
          "        outcome = js.JSON.stringify('started')",
          "    except Exception as error:",
          "        outcome = js.JSON.stringify('refused: ' + str(error))",
          "outcome",
        ].join("\n"),
      check: (output) => expectRefused(output, "import('node:worker_threads')"),
    },
    {
      name: "finds a Worker class in a new node:vm context",
      on: "open",
      code: () =>
        javascript(
          "return JSON.stringify(process.getBuiltinModule('node:vm').runInNewContext(" +
            "'[typeof Worker, typeof navigator, typeof Deno, typeof process]'));",
        ),
      check: (output) => {
        const outcome = parsed(output);
        if (outcome !== undefined && JSON.stringify(outcome) !== JSON.stringify(Array(4).fill("undefined"))) {
          throw new Error(`a new context holds sandbox globals: ${JSON.stringify(outcome)}`);
        }
      },
    },
  ];
}

function gpuAttacks(): Attack[] {
  return [
    {
      name: "looks for WebGPU: navigator.gpu, the GPU classes, OffscreenCanvas",
      on: "open",
      code: () =>
        javascript(
          "return JSON.stringify({ gpu: typeof navigator.gpu, inNavigator: 'gpu' in navigator," +
            " names: Object.getOwnPropertyNames(globalThis).filter((name) => /^GPU|OffscreenCanvas/.test(name)) });",
        ),
      check: (output) => {
        const outcome = parsed(output) as { gpu: string; inNavigator: boolean; names: string[] } | undefined;
        if (outcome && (outcome.gpu !== "undefined" || outcome.inNavigator || outcome.names.length > 0)) {
          throw new Error(`WebGPU is reachable: ${JSON.stringify(outcome)}`);
        }
      },
    },
    {
      name: "requests a GPU adapter through the Navigator prototype's getter",
      on: "open",
      code: () =>
        [
          "try:",
          "    import js",
          "    from pyodide.ffi import run_sync",
          "except ImportError:",
          `    outcome = ${py(NO_JAVASCRIPT)}`,
          "else:",
          "    try:",
          "        getter = js.eval(\"Object.getOwnPropertyDescriptor(Object.getPrototypeOf(navigator), 'gpu')?.get\")",
          "        gpu = getter.call(js.navigator)",
          "        adapter = run_sync(gpu.requestAdapter())",
          "        outcome = js.JSON.stringify('adapter' if adapter else 'refused: no adapter')",
          "    except Exception as error:",
          "        outcome = js.JSON.stringify('refused: ' + str(error))",
          "outcome",
        ].join("\n"),
      check: (output) => {
        const outcome = parsed(output);
        if (outcome !== undefined && !String(outcome).startsWith("refused")) {
          throw new Error(`the guest got a GPU adapter: ${JSON.stringify(outcome)}`);
        }
      },
    },
  ];
}

/** An attack that reaches for `expression`, which must not exist in the sandbox (`typeof` is "undefined"). */
function mustBeAbsent(name: string, expression: string, what: string): Attack {
  return {
    name,
    on: "open",
    code: () => javascript(`return JSON.stringify(typeof ${expression});`),
    check: (output) => {
      const outcome = parsed(output);
      if (outcome !== undefined && outcome !== "undefined") {
        throw new Error(`${what}: ${JSON.stringify(outcome)}`);
      }
    },
  };
}

/** An attack that makes each of `calls` (JavaScript expressions); every one of them must throw. */
function mustRefuseEach(name: string, calls: string[], what: string): Attack {
  return {
    name,
    on: "open",
    code: () =>
      javascript(
        `const outcomes = []; for (const attempt of [${calls.map((call) => `() => ${call}`).join(", ")}]) {` +
          " try { attempt(); outcomes.push('done'); } catch (error) { outcomes.push('refused'); } }" +
          " return JSON.stringify(outcomes);",
      ),
    check: (output) => {
      const outcome = parsed(output);
      if (outcome !== undefined && (outcome as string[]).some((each) => each !== "refused")) {
        throw new Error(`${what}: ${JSON.stringify(outcome)} (for ${JSON.stringify(calls)})`);
      }
    },
  };
}

function internalsAttacks(): Attack[] {
  return [
    mustBeAbsent(
      "reaches Deno's internals through Deno[Deno.internal]",
      "Deno[Deno.internal]",
      "Deno[Deno.internal] is reachable",
    ),
    // The shared process starts with `--expose-gc` for its own use; the guest must not find it.
    mustBeAbsent("takes V8's collector (gc) from the global", "globalThis.gc", "V8's gc is on the global"),
    // A process may signal itself without --allow-run; the shared process is every session's.
    // SIGWINCH, ignored by default: a route left open fails this attack without harm.
    mustRefuseEach(
      "signals its own process (Deno.kill, process.kill, process._kill)",
      [
        "Deno.kill(Deno.pid, 'SIGWINCH')",
        "process.kill(process.pid, 'SIGWINCH')",
        "process._kill(process.pid, 28)",
      ],
      "the sandbox could signal its own process",
    ),
    // A signal handler is the process's: it would keep the process alive through a SIGINT or a
    // SIGTERM meant to end it. SIGWINCH, ignored by default: a handler left in place is harmless.
    mustRefuseEach(
      "handles its own process's signals (Deno.addSignalListener, process.on and its kin)",
      [
        "Deno.addSignalListener('SIGWINCH', () => {})",
        "process.on('SIGWINCH', () => {})",
        "process.once('SIGWINCH', () => {})",
        "process.prependListener('SIGWINCH', () => {})",
      ],
      "the sandbox could handle its own process's signals",
    ),
    // Deno's permissions are the process's: in a shared process, one session revoking "read"
    // would stop every other session from loading a file. Revoking "env" (never granted) is
    // harmless if a route is left open.
    mustRefuseEach(
      "revokes the process's permissions (Deno.permissions, or its prototype's method)",
      [
        "Deno.permissions.revokeSync({ name: 'env' })",
        "Object.getPrototypeOf(Deno.permissions).revoke.call({}, { name: 'env' })",
      ],
      "a permission could be revoked",
    ),
    {
      // node:v8's setFlagsFromString reaches V8's flags at run time; the limit must not move.
      name: "raises the WebAssembly memory limit through node:v8's setFlagsFromString, then grows past it",
      on: "open",
      code: () =>
        javascript(
          "try { process.getBuiltinModule('node:v8').setFlagsFromString('--wasm-max-mem-pages=65536'); }" +
            " catch (error) { return JSON.stringify('refused: ' + error); }" +
            " const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });" +
            " try { memory.grow(65535); } catch (error) { return JSON.stringify('refused: ' + error); }" +
            " return JSON.stringify('grew to ' + memory.buffer.byteLength);",
        ),
      check: (output) => {
        const outcome = parsed(output);
        if (outcome !== undefined && !String(outcome).startsWith("refused")) {
          throw new Error(`the memory limit moved: ${JSON.stringify(outcome)}`);
        }
      },
    },
  ];
}

/** The host paths that must not show through the sandbox's own metadata. */
function hostPaths(): string[] {
  const paths = [process.cwd(), homedir()];
  // A root home ("/") would match everything; it reveals nothing anyway.
  return paths.filter((path) => path.length > 1);
}

function pathAttacks(): Attack[] {
  return [
    {
      name: "reads host paths from Deno.args, Deno.execPath(), Deno.mainModule, Deno.cwd(), process.argv",
      on: "open",
      code: () =>
        javascript(
          "const read = (get) => { try { return get(); } catch (error) { return 'refused: ' + error; } };" +
            "return JSON.stringify([" +
            [
              "Deno.args",
              "Deno.execPath()",
              "Deno.mainModule",
              "Deno.cwd()",
              "process.argv",
              "process.argv0",
              "process.execPath",
              "process.execArgv",
              "process.cwd()",
              "process.mainModule?.filename",
              "Deno.realPathSync('.')",
            ]
              .map((expression) => `read(() => ${expression})`)
              .join(",") +
            "]);",
        ),
      check: (output) => {
        const outcome = parsed(output);
        if (outcome === undefined) return;
        const text = JSON.stringify(outcome);
        for (const path of hostPaths()) {
          if (text.includes(path)) throw new Error(`the sandbox revealed the host path ${path}: ${text}`);
        }
      },
    },
    {
      name: "reads host paths from import.meta of a module it imports",
      on: "open",
      code: () =>
        [
          "try:",
          "    import js",
          "    from pyodide.ffi import run_sync",
          "except ImportError:",
          `    outcome = ${py(NO_JAVASCRIPT)}`,
          "else:",
          "    try:",
          '        module = run_sync(js.eval("import(\'data:text/javascript,export default JSON.stringify([import.meta.url, import.meta.filename, import.meta.dirname, import.meta.resolve(\\"./x.js\\")])\')"))',
          "        outcome = module.default",
          "    except Exception as error:",
          "        outcome = js.JSON.stringify('refused: ' + str(error))",
          "outcome",
        ].join("\n"),
      check: (output) => {
        const outcome = parsed(output);
        if (outcome === undefined) return;
        const text = JSON.stringify(outcome);
        for (const path of hostPaths()) {
          if (text.includes(path)) throw new Error(`import.meta revealed the host path ${path}: ${text}`);
        }
      },
    },
  ];
}

/** The attacks on a JavaScript sandbox's extra surface (see the top of this file). */
export function denoAttacks(): Attack[] {
  return [...workerAttacks(), ...gpuAttacks(), ...internalsAttacks(), ...pathAttacks()];
}
