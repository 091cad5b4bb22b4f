import { startFakeE2B } from "@smol/testing";
import { type CommandHandle, Sandbox } from "e2b";
import { expect, it } from "vitest";
import { forgetBufferedOutput } from "./command-output.js";

it("drops the copy of the output the SDK's command handle keeps, so a long-lived runtime does not grow it", async () => {
  const e2b = await startFakeE2B();
  try {
    const sandbox = await Sandbox.create({
      apiKey: "e2b_test_key",
      apiUrl: e2b.apiUrl,
      sandboxUrl: e2b.sandboxUrl,
    });
    const received: string[] = [];
    let handle: CommandHandle | undefined;
    handle = await sandbox.commands.run(
      "sleep 0.3; printf 'one\\n'; sleep 0.2; printf 'two\\n' >&2; sleep 0.2; printf 'three\\n'",
      {
        background: true,
        onStdout: (data) => {
          received.push(data);
          if (handle) forgetBufferedOutput(handle);
        },
        onStderr: (data) => {
          received.push(data);
          if (handle) forgetBufferedOutput(handle);
        },
      },
    );
    await handle.wait();
    expect(received.join("")).toBe("one\ntwo\nthree\n");
    // Without the calls, the handle would hold "one\nthree\n" and "two\n".
    expect(handle.stdout).toBe("");
    expect(handle.stderr).toBe("");
    await sandbox.kill();
  } finally {
    await e2b.close();
  }
});
