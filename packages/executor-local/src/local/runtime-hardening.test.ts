/**
 * The runtime under Pyodide: what only the local sandbox can show (its process functions, the
 * Pyodide packages it may install, the cost of encoding a huge value in WebAssembly).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExecutorError } from "@smol/core";
import { LocalPythonExecutor } from "@smol/executor-local";
import { afterAll, describe, expect, it } from "vitest";

const cacheDir = join(tmpdir(), "smol-executor-local-test-cache");
const timeout = 120_000;
const scratch = mkdtempSync(join(tmpdir(), "smol-runtime-hardening-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the runtime in the Pyodide sandbox", () => {
  it(
    "refuses every process function with OSError, keeping the session's variables",
    async () => {
      await using executor = new LocalPythonExecutor({
        cacheDir,
        additionalAuthorizedImports: ["os", "posix"],
      });
      expect((await executor.run("kept = 41")).error).toBeUndefined();
      for (const call of [
        "os.system(':')",
        "posix.system(':')",
        "os.execv('/bin/true', ['true'])",
        "os.fork()",
        "os.spawnlp(os.P_WAIT, 'true', 'true')",
        "os.waitpid(-1, 0)",
        "os.kill(os.getpid(), 9)",
        "os.abort()",
        "os._exit(0)",
      ]) {
        const output = await executor.run(`import os, posix\n${call}`);
        expect(output.error?.type, call).toBe("OSError");
        expect(output.error?.message, call).toContain("not available in the sandbox");
      }
      expect((await executor.run("kept + 1")).output).toBe(42);
    },
    timeout,
  );

  it(
    "sends five million dicts as a shortened repr in a few seconds, not minutes",
    async () => {
      await using executor = new LocalPythonExecutor({ cacheDir });
      await executor.start();
      const started = Date.now();
      const output = await executor.run("x = [{}] * 5_000_000");
      const elapsed = Date.now() - started;
      expect(output.output).toContain("value too large to send");
      expect(elapsed).toBeLessThan(5_000);
    },
    timeout,
  );

  it(
    "starts offline with numpy authorized: code that does not import it runs, its import names the fix",
    async () => {
      // Nothing listens on port 1: the download fails at once, as on a machine without network.
      await using executor = new LocalPythonExecutor({
        cacheDir,
        packageCacheDir: join(scratch, "no-wheels"),
        packageBaseUrl: "http://127.0.0.1:1/pyodide/",
        additionalAuthorizedImports: ["numpy", "pandas"],
      });
      const plain = await executor.run("import datetime\ndatetime.date(2024, 5, 1).isoformat()");
      expect(plain.error).toBeUndefined();
      expect(plain.output).toBe("2024-05-01");
      const numpy = await executor.run("import numpy as np");
      expect(numpy.error?.type).toBe("ModuleNotFoundError");
      expect(numpy.error?.message).toContain("'numpy' is authorized, but its package is not installed");
      expect(numpy.error?.message).toContain("packageCacheDir");
    },
    timeout,
  );

  it(
    "fails at start on an authorized module that is neither standard, nor installed, nor a Pyodide package",
    async () => {
      await using executor = new LocalPythonExecutor({ cacheDir, additionalAuthorizedImports: ["nmpy"] });
      const failure = await executor.start().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(ExecutorError.isInstance(failure)).toBe(true);
      expect((failure as Error).message).toContain("'nmpy'");
      expect((failure as Error).message).toContain("additionalAuthorizedImports");
    },
    timeout,
  );
});
