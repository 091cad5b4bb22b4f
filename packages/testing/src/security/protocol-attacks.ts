import type { CodeOutput } from "@smol/core";
import type { Attack } from "./attacks.js";

/**
 * Attacks on the host through the runtime protocol. The guest finds its runtime object (in the
 * closure of `final_answer`) and writes framed lines of its own on the runtime's stdout: huge,
 * deeply nested or value-heavy lines, floods of tool calls, endless error texts, a handler that
 * never acknowledges. Each must leave the host healthy (memory, event loop) and usable.
 */

/** Finds the runtime and defines `forge(text)`, which writes one framed line. */
const PRELUDE = [
  "import json, sys",
  "runtime = next(cell.cell_contents for cell in final_answer.__closure__",
  "               if type(cell.cell_contents).__name__ == 'Runtime')",
  "def forge(text):",
  "    runtime._write_line(runtime._prefix + text)",
  // The id of the run in progress, from the runtime's frame that called the user's code.
  "def current_request_id():",
  "    frame = sys._getframe()",
  "    while frame is not None and 'request_id' not in frame.f_locals:",
  "        frame = frame.f_back",
  "    return frame.f_locals['request_id']",
  "",
].join("\n");

const attack = (body: string): (() => string) => {
  const code = PRELUDE + body;
  return () => code;
};

/** A tool_call line whose arguments are `args` (JSON text, put in as is). */
const toolCall = (args: string, name = "'forged_tool'") =>
  `'{"type":"tool_call","callId":"c1","name":"' + ${name} + '","args":[' + ${args} + '],"kwargs":{}}'`;

/**
 * How the host must stay while these run: at most 200 MB more resident memory, and the event
 * loop never held for more than a second. The lag is measured on the whole test process (a
 * sandbox starting, the test's own garbage, a machine shared with other work: on a loaded
 * machine a quiet attack shows 200–300 ms), so this bound catches the multi-second stalls of a
 * full parse of a hostile line; core's own tests hold each hostile line to 50 ms, with a
 * scripted runtime.
 */
const HOST_BOUNDS = { rssMb: 200, eventLoopLagMs: 1_000 };

function expectShortError(output: CodeOutput, limit: number): void {
  const text = `${output.error?.message ?? ""}${output.error?.traceback ?? ""}${output.logs}`;
  if (text.length > limit) {
    throw new Error(`the error the model would see is ${text.length} characters long (limit ${limit})`);
  }
}

export function protocolHostAttacks(): Attack[] {
  return [
    {
      name: "forges 100 tool calls with 16 MB arguments and never waits for them",
      on: "open",
      code: attack(
        `big = '"' + 'a' * (16 * 1024 * 1024) + '"'\nline = ${toolCall("big")}\nfor _ in range(100):\n    forge(line)\n'sent'`,
      ),
      mustFail: true,
      hostBounds: HOST_BOUNDS,
      isolated: true,
    },
    {
      name: "floods the host with 100,000 forged tool calls",
      on: "open",
      code: attack(
        "for index in range(100_000):\n" +
          `    forge('{"type":"tool_call","callId":"c%d","name":"forged_tool","args":[],"kwargs":{}}' % index)\n'sent'`,
      ),
      // The host stops at the answers the runtime does not read; if it ever answered them all,
      // they would poison the runtime's next read, which ends that sandbox instead.
      mayEndSandbox: true,
      hostBounds: HOST_BOUNDS,
      isolated: true,
    },
    {
      name: "forges a 20 MB deeply nested line",
      on: "open",
      code: attack("forge('[' * (10 * 1024 * 1024) + ']' * (10 * 1024 * 1024))\n'sent'"),
      mustFail: true,
      hostBounds: HOST_BOUNDS,
      isolated: true,
    },
    {
      name: "forges a tool call nested 3 million levels deep, within the line limit",
      on: "open",
      code: attack(`depth = 3 * 1024 * 1024\nforge(${toolCall("'[' * depth + ']' * depth")})\n'sent'`),
      mustFail: true,
      check: (output) => expectReason(output, /nested deeper than/),
      hostBounds: HOST_BOUNDS,
    },
    {
      name: "forges a 15 MB [{},{},…] result",
      on: "open",
      code: attack(
        `forge('{"type":"result","id":"' + current_request_id() + '","output":[' + ','.join(['{}'] * 5_000_000) + '],"logs":"","isFinalAnswer":false}')\n'sent'`,
      ),
      mustFail: true,
      hostBounds: HOST_BOUNDS,
      isolated: true,
    },
    {
      name: "forges a 7 MB [{},{},…] result, within the line limit",
      on: "open",
      code: attack(
        `forge('{"type":"result","id":"' + current_request_id() + '","output":[' + ','.join(['{}'] * 2_300_000) + '],"logs":"","isFinalAnswer":false}')\n'sent'`,
      ),
      mustFail: true,
      check: (output) => expectReason(output, /more than \d+ values/),
      hostBounds: HOST_BOUNDS,
    },
    {
      name: "forges an error with a 30M-character message",
      on: "open",
      code: attack(
        `forge(json.dumps({"type": "error", "id": current_request_id(), "error": {"type": "ValueError", "message": "m" * 30_000_000}, "logs": ""}))\n'sent'`,
      ),
      mustFail: true,
      check: (output) => expectShortError(output, 12_000),
      hostBounds: HOST_BOUNDS,
    },
    {
      name: "forges an error whose message and traceback fill the line limit",
      on: "open",
      code: attack(
        `forge(json.dumps({"type": "error", "id": current_request_id(), "error": {"type": "ValueError", "message": "m" * 3_500_000, "traceback": "t" * 3_500_000}, "logs": ""}))\n'sent'`,
      ),
      mustFail: true,
      check: (output) => expectShortError(output, 25_000),
      // The runtime's own reply to the run comes after the forged one: a violation between runs.
      mayEndSandbox: true,
      hostBounds: HOST_BOUNDS,
    },
    {
      name: "forges a fatal message of 7M characters",
      on: "open",
      code: attack(`forge(json.dumps({"type": "fatal", "message": "f" * 7_000_000}))\n'sent'`),
      mustFail: true,
      check: (output) => expectShortError(output, 12_000),
      hostBounds: HOST_BOUNDS,
    },
    {
      name: "calls an unknown tool with a 16 MB name",
      on: "open",
      code: attack(`forge(${toolCall("''", "'n' * (16 * 1024 * 1024)")})\n'sent'`),
      mustFail: true,
      check: (output) => expectShortError(output, 5_000),
      hostBounds: HOST_BOUNDS,
    },
    {
      name: "calls an unknown tool with a 1 MB name, within the line limit",
      on: "open",
      code: attack(`forge(${toolCall("''", "'n' * (1024 * 1024)")})\n'sent'`),
      mustFail: true,
      check: (output) => expectShortError(output, 5_000),
      hostBounds: HOST_BOUNDS,
    },
    {
      name: "replaces the runtime's handler so define_tools and set_variables are never acknowledged",
      on: "open",
      code: attack(
        "original = runtime.handle\n" +
          "def handle(message):\n" +
          "    if message['type'] in ('define_tools', 'set_variables'):\n" +
          "        return\n" +
          "    return original(message)\n" +
          "runtime.handle = handle\n'wedged'",
      ),
      // The harness sends a variable after every attack: here it is never acknowledged, and the
      // host must replace the runtime within its deadline, then run the follow-up.
      check: (output) => {
        if (output.output !== "wedged")
          throw new Error(`the handler was not replaced: ${JSON.stringify(output)}`);
      },
      hostBounds: HOST_BOUNDS,
    },
    {
      name: "floods its real stdout with 200 MB of unframed lines",
      on: "open",
      code: attack(
        "import js\nchunk = js.TextEncoder.new().encode(('x' * 1023 + '\\n') * 1024)\n" +
          "for _ in range(200):\n    js.Deno.stdout.writeSync(chunk)\n'flooded'",
      ),
      hostBounds: HOST_BOUNDS,
      mayEndSandbox: true,
    },
    {
      name: "forges a second ready message in the middle of a run",
      on: "open",
      code: attack(`forge('{"type":"ready","protocol":1,"python":"3","implementation":"forged"}')\n'sent'`),
      mustFail: true,
      hostBounds: HOST_BOUNDS,
    },
  ];
}

function expectReason(output: CodeOutput, pattern: RegExp): void {
  const message = output.error?.message ?? "";
  if (!pattern.test(message))
    throw new Error(`expected the error to match ${pattern}, got: ${message.slice(0, 500)}`);
}
