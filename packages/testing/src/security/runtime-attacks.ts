import type { CodeOutput } from "@smol/core";
import type { Attack } from "./attacks.js";

// Attacks on the Python runtime itself: values whose own methods raise while the runtime
// encodes them, process functions that end the interpreter, and values or errors too big for
// one protocol line. Each must end as the run's own outcome, with the session alive: the
// variable set before the attack is still there after it.

const KEPT = { before: "kept_by_the_session = 41", survives: { code: "kept_by_the_session + 1", value: 42 } };

/** The run failed with this Python exception type. */
function failsWith(type: string): (output: CodeOutput) => void {
  return (output) => {
    if (output.error?.type !== type) {
      throw new Error(`expected a ${type}, got ${JSON.stringify(output).slice(0, 400)}`);
    }
  };
}

/** Either the call is refused with OSError (a sandbox without processes) or it ran where processes exist. */
function refusedOrHarmless(output: CodeOutput): void {
  if (output.error && output.error.type !== "OSError") {
    throw new Error(`expected an OSError or a clean run, got ${JSON.stringify(output).slice(0, 400)}`);
  }
}

/** The output is the runtime's stand-in for a value too large to send. */
function shortenedStandIn(output: CodeOutput): void {
  if (output.error) throw new Error(`the run failed: ${JSON.stringify(output.error).slice(0, 400)}`);
  if (typeof output.output !== "string" || !output.output.includes("too large to send")) {
    throw new Error(`expected a shortened stand-in, got ${String(output.output).slice(0, 200)}`);
  }
  if (output.output.length > 200_000) throw new Error(`the stand-in has ${output.output.length} characters`);
}

/** The error's texts are capped, however big the exception. */
function cappedError(output: CodeOutput): void {
  const error = output.error;
  if (!error) throw new Error("the run should have failed");
  for (const [field, text] of [
    ["type", error.type],
    ["message", error.message],
    ["traceback", error.traceback ?? ""],
  ] as const) {
    if (text.length > 12_000) throw new Error(`the error's ${field} has ${text.length} characters`);
  }
}

function hostileValueAttacks(): Attack[] {
  return [
    {
      name: "ends with a str subclass whose __str__ raises",
      on: "open",
      ...KEPT,
      code: () => "class Sly(str):\n    def __str__(self):\n        raise ValueError('no str')\nSly('x')",
      check: failsWith("ValueError"),
    },
    {
      name: "gives final_answer a float subclass whose __float__ raises",
      on: "open",
      ...KEPT,
      code: () =>
        "class Sly(float):\n    def __float__(self):\n        raise ValueError('no float')\nfinal_answer(Sly(1.5))",
      check: failsWith("ValueError"),
    },
    {
      name: "ends with a dict subclass whose items() raises",
      on: "open",
      ...KEPT,
      code: () => "class Sly(dict):\n    def items(self):\n        raise RuntimeError('no items')\nSly(a=1)",
      check: failsWith("RuntimeError"),
    },
    {
      name: "ends with a list subclass whose __iter__ calls final_answer",
      on: "open",
      ...KEPT,
      // A BaseException (the runtime's own FinalAnswer) raised while the value is encoded.
      code: () => "class Sly(list):\n    def __iter__(self):\n        final_answer('hijacked')\nSly([1])",
      mustFail: true,
    },
    {
      name: "ends with an object whose __repr__ raises",
      on: "open",
      ...KEPT,
      code: () => "class Sly:\n    def __repr__(self):\n        raise ValueError('no repr')\nSly()",
      check: (output) => {
        if (output.error || typeof output.output !== "string" || !output.output.includes("repr failed")) {
          throw new Error(`expected a stand-in repr, got ${JSON.stringify(output).slice(0, 400)}`);
        }
      },
    },
    {
      name: "raises an exception whose __str__ and class name both raise",
      on: "open",
      ...KEPT,
      code: () =>
        "class Meta(type):\n    @property\n    def __name__(cls):\n        raise ValueError('no name')\n" +
        "class Sly(Exception, metaclass=Meta):\n    def __str__(self):\n        raise ValueError('no str')\nraise Sly()",
      mustFail: true,
    },
    {
      name: "prints a str subclass whose slicing returns a non-string",
      on: "open",
      ...KEPT,
      code: () =>
        "class Sly(str):\n    def __getitem__(self, index):\n        return 42\n    def __len__(self):\n        raise ValueError\n" +
        "class Shown:\n    def __str__(self):\n        return Sly('shown')\nprint(Shown())\n'printed'",
      check: (output) => {
        if (output.output !== "printed" || !output.logs.includes("shown")) {
          throw new Error(`expected the print to work, got ${JSON.stringify(output).slice(0, 400)}`);
        }
      },
    },
  ];
}

function processFunctionAttacks(): Attack[] {
  const calls: [string, string][] = [
    ["calls os.system", "import os\nos.system(':')"],
    ["calls os.system through random._os, without authorizing os", "import random\nrandom._os.system(':')"],
    ["calls os.execv", "import os\nos.execv('/bin/true', ['true'])"],
    ["calls os.fork", "import os\nos.fork()"],
    ["calls os.spawnv", "import os\nos.spawnv(os.P_WAIT, '/bin/true', ['true'])"],
    ["sends itself SIGKILL with os.kill", "import os\nos.kill(os.getpid(), 9)"],
    ["calls os.abort", "import os\nos.abort()"],
    ["calls os._exit", "import os\nos._exit(0)"],
  ];
  return calls.map(([name, code]) => ({
    name,
    on: name.includes("random._os") ? "policy" : "open",
    ...KEPT,
    code: () => code,
    check: refusedOrHarmless,
  }));
}

function sizeAttacks(): Attack[] {
  return [
    {
      name: "assigns five million dicts as its last statement",
      on: "open",
      ...KEPT,
      code: () => "blow_up = [{}] * 5_000_000",
      check: shortenedStandIn,
    },
    {
      name: "ends with five million dicts",
      on: "open",
      ...KEPT,
      code: () => "[{}] * 5_000_000",
      check: shortenedStandIn,
    },
    {
      name: "gives final_answer twelve million characters of escaped JSON",
      on: "open",
      ...KEPT,
      code: () => "final_answer('\\u00e9' * 2_000_000)",
      check: shortenedStandIn,
    },
    {
      name: "raises an exception with a fifty-million-character message",
      on: "open",
      ...KEPT,
      code: () => "raise ValueError('x' * 50_000_000)",
      check: cappedError,
    },
    {
      name: "raises an exception whose class name has a million characters",
      on: "open",
      ...KEPT,
      code: () => "raise type('E' * 1_000_000, (Exception,), {})('boom')",
      check: cappedError,
    },
  ];
}

/** The runtime's own attacks, registered in `sandboxAttacks()`. */
export function runtimeAttacks(): Attack[] {
  return [...hostileValueAttacks(), ...processFunctionAttacks(), ...sizeAttacks()];
}
