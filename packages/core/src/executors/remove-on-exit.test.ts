import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTypeScriptChild } from "@smol/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const childScript = join(dirname(fileURLToPath(import.meta.url)), "__tests__", "remove-on-exit-child.mts");
const timeout = 30_000;

describe("removeOnProcessExit", () => {
  const received: { path: string; method: string; apiKey: string | undefined }[] = [];
  let server: Server;
  let serverUrl: string;
  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      received.push({
        path: request.url ?? "",
        method: request.method ?? "",
        apiKey: request.headers["x-api-key"] as string | undefined,
      });
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Starts the child, waits until it owns its sandboxes, then ends it (by `signal`, or on its own). */
  async function runChild(how: string, signal?: NodeJS.Signals) {
    received.length = 0;
    const child = await startTypeScriptChild(childScript, [how, serverUrl], { readyPattern: /ready/ });
    if (how === "handles-sigterm") {
      // The application keeps the process alive on SIGTERM: give it a moment, then end it for good.
      child.process.kill(signal);
      await new Promise((resolve) => setTimeout(resolve, 500));
      return { end: await child.end("SIGKILL"), stdout: child.stdout, stderr: child.stderr };
    }
    return { end: await child.end(signal), stdout: child.stdout, stderr: child.stderr };
  }

  it(
    "sends the removal request of every sandbox still owned when the process exits, with its headers",
    async () => {
      const { end, stderr } = await runChild("exit");
      expect(end.code, stderr).toBe(0);
      expect(received).toEqual([{ path: "/sync/kept", method: "DELETE", apiKey: "secret-key" }]);
    },
    timeout,
  );

  it(
    "removes the sandboxes on SIGTERM and SIGINT, then dies of the signal as it would have",
    async () => {
      for (const signal of ["SIGTERM", "SIGINT"] as const) {
        const { end } = await runChild("signal", signal);
        expect(end.signal).toBe(signal);
        expect(received.map((request) => request.path)).toEqual(["/async/kept"]);
      }
    },
    timeout,
  );

  it(
    "leaves a signal the application handles to the application",
    async () => {
      const { end, stdout } = await runChild("handles-sigterm", "SIGTERM");
      expect(stdout).toContain("application handled SIGTERM");
      // Only SIGKILL ended it, and nothing could be removed then.
      expect(end.signal).toBe("SIGKILL");
      expect(received).toEqual([]);
    },
    timeout,
  );
});
