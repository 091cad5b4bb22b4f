import { spawn } from "node:child_process";
import { readRuntimeSource } from "@smol/core/executor-kit";
import { describe, expect, it } from "vitest";
import { bootstrapCommand, bootstrapPayload } from "./bootstrap.js";

/** Runs the container's command with the host's python3 and feeds it `input`; returns stdout. */
function runBootstrap(input: Buffer): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const [command, ...args] = bootstrapCommand();
  const child = spawn(command!, args, {
    stdio: ["pipe", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin.end(input);
  return new Promise((resolve) => child.once("close", (code) => resolve({ stdout, stderr, code })));
}

// Spawning python3 is quick, but a loaded machine (CI, parallel workers) can make it slow.
const timeout = 60_000;

describe("the container bootstrap", () => {
  it(
    "loads the runtime from stdin and leaves the lines after it to the runtime",
    async () => {
      const nonce = "0123456789abcdef0123456789abcdef";
      const init = { type: "init", nonce, authorizedImports: [], maxPrintOutputsLength: 1000 };
      const run = { type: "run", id: "1", code: "print('from the runtime')\n6 * 7" };
      // The protocol lines arrive in the same write as the source: none may be swallowed.
      const input = Buffer.concat([
        bootstrapPayload(readRuntimeSource()),
        Buffer.from(`${JSON.stringify(init)}\n${JSON.stringify(run)}\n`),
      ]);
      const { stdout, code } = await runBootstrap(input);
      const messages = stdout
        .split("\n")
        .filter((line) => line.startsWith(`smol:${nonce} `))
        .map((line) => JSON.parse(line.slice(`smol:${nonce} `.length)));
      expect(messages[0]).toMatchObject({ type: "ready", protocol: 1 });
      expect(messages[1]).toMatchObject({ type: "result", id: "1", output: 42, logs: "from the runtime\n" });
      expect(code).toBe(0);
    },
    timeout,
  );

  it("counts the runtime's size in bytes, not characters", () => {
    const payload = bootstrapPayload("é✓");
    expect(new TextDecoder().decode(payload)).toBe("5\né✓");
  });

  it(
    "exits with a message when stdin ends early",
    async () => {
      const { stderr, code } = await runBootstrap(Buffer.from("100\nprint(1)"));
      expect(code).not.toBe(0);
      expect(stderr).toContain("stdin ended inside the runtime's source");
    },
    timeout,
  );
});
