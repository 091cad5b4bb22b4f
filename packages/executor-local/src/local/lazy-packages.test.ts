import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CodeAgent, ExecutorError, LogLevel } from "@smol/core";
import { LocalPythonExecutor } from "@smol/executor-local";
import { ScriptedModel } from "@smol/testing";
import { afterAll, describe, expect, it } from "vitest";
import { pyodidePackageDirectory } from "./sandbox-files.js";
import { sha256Hex, testWheel } from "./test-wheel.js";

// Packages are installed on the first import of their module, never at start (issue #14): these
// run real Python in the real sandbox.

const sharedCacheDir = join(tmpdir(), "smol-executor-local-test-cache");
const timeout = 120_000;
const scratch = mkdtempSync(join(tmpdir(), "smol-lazy-packages-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const INSTALLED = [
  "import os, sys, sysconfig",
  "(name in sys.modules, os.path.exists(os.path.join(sysconfig.get_paths()['purelib'], name)))",
].join("\n");

describe("a wheel in the package cache", () => {
  it(
    "is installed on the first import of its module, not at start",
    async () => {
      const packageCacheDir = join(scratch, "lazy-wheel");
      mkdirSync(packageCacheDir);
      writeFileSync(
        join(packageCacheDir, "smol_lazy-1.0-py3-none-any.whl"),
        testWheel("smol_lazy", { "smol_lazy/__init__.py": "ANSWER = 42\n" }),
      );
      await using executor = new LocalPythonExecutor({
        cacheDir: sharedCacheDir,
        packageCacheDir,
        additionalAuthorizedImports: ["smol_lazy.*", "os", "sys", "sysconfig"],
      });
      await executor.sendVariables({ name: "smol_lazy" });
      const before = await executor.run(INSTALLED);
      expect(before.error).toBeUndefined();
      expect(before.output).toEqual([false, false]);
      const imported = await executor.run("import smol_lazy\nsmol_lazy.ANSWER");
      expect(imported.error).toBeUndefined();
      expect(imported.output).toBe(42);
      expect((await executor.run(INSTALLED)).output).toEqual([true, true]);
      // An install that worked is no failure: a missing submodule is a plain ModuleNotFoundError.
      const missing = await executor.run("import smol_lazy.absent");
      expect(missing.error?.type).toBe("ModuleNotFoundError");
      expect(missing.error?.message).not.toContain("is not installed");
    },
    timeout,
  );
});

describe("the import policy, with packages installed on import", () => {
  const packageCacheDir = join(scratch, "policy-wheels");
  const writeWheel = () => {
    mkdirSync(packageCacheDir, { recursive: true });
    writeFileSync(
      join(packageCacheDir, "smol_policy-1.0-py3-none-any.whl"),
      testWheel("smol_policy", { "smol_policy/__init__.py": "" }),
    );
  };

  it(
    "refuses a module whose wheel is in the cache but which is not authorized, and installs nothing",
    async () => {
      writeWheel();
      await using executor = new LocalPythonExecutor({
        cacheDir: sharedCacheDir,
        packageCacheDir,
        additionalAuthorizedImports: ["os", "sysconfig"],
      });
      const refused = await executor.run("import smol_policy");
      expect(refused.error?.type).toBe("ImportError");
      expect(refused.error?.message).toContain("Import of 'smol_policy' is not allowed");
      expect(refused.error?.message).toContain("additionalAuthorizedImports");
      const site = await executor.run(
        "import os, sysconfig\nos.path.exists(os.path.join(sysconfig.get_paths()['purelib'], 'smol_policy'))",
      );
      expect(site.output).toBe(false);
    },
    timeout,
  );

  it(
    "still fails the start on an authorized module that exists nowhere, naming only that one",
    async () => {
      writeWheel();
      await using executor = new LocalPythonExecutor({
        cacheDir: sharedCacheDir,
        packageCacheDir,
        // Nothing listens on port 9: numpy's download fails at once, and its name is no typo.
        packageBaseUrl: "http://127.0.0.1:9/",
        additionalAuthorizedImports: ["smol_policy", "numpy", "nmpy"],
      });
      const error = await executor.start().then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(ExecutorError.isInstance(error)).toBe(true);
      const message = (error as Error).message;
      expect(message).toContain("'nmpy'");
      expect(message).not.toContain("'smol_policy'");
      expect(message).not.toContain("'numpy'");
    },
    timeout,
  );
});

describe("the event loop of a sandbox that installs packages on import", () => {
  it(
    "still does not run the guest's timers and promises between runs; a first import may",
    async () => {
      const packageCacheDir = join(scratch, "loop-wheel");
      mkdirSync(packageCacheDir);
      writeFileSync(
        join(packageCacheDir, "smol_loop-1.0-py3-none-any.whl"),
        testWheel("smol_loop", { "smol_loop/__init__.py": "" }),
      );
      await using executor = new LocalPythonExecutor({
        cacheDir: sharedCacheDir,
        packageCacheDir,
        additionalAuthorizedImports: ["smol_loop", "js"],
      });
      const scheduled = await executor.run(
        [
          "import js",
          "js.eval('globalThis.ticks = 0; setTimeout(() => { globalThis.ticks += 1 }, 0);'",
          "        + ' Promise.resolve().then(() => { globalThis.ticks += 10 })')",
        ].join("\n"),
      );
      expect(scheduled.error).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await executor.run("js.globalThis.ticks")).output).toBe(0);
      // Waiting for the package lets the loop turn: inside the run, which timeoutSeconds bounds.
      expect((await executor.run("import smol_loop\njs.globalThis.ticks")).output).toBe(11);
    },
    timeout,
  );
});

/** A local stand-in for the Pyodide CDN: `answer` decides what each request gets. */
async function wheelServer(
  answer: (url: string, response: ServerResponse) => void,
): Promise<{ baseUrl: string; requested: string[]; close: () => Promise<void> }> {
  const requested: string[] = [];
  const server = createServer((request, response) => {
    requested.push(request.url ?? "");
    answer(request.url ?? "", response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    baseUrl: `http://127.0.0.1:${address.port}/pyodide/`,
    requested,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("a Pyodide package that is not in the cache", () => {
  it(
    "does not delay the start nor fail code that does not import it; its import names the fix",
    async () => {
      // A CDN that never answers: the host gives up after its response timeout (10 s).
      const cdn = await wheelServer(() => {});
      const packageCacheDir = join(scratch, "silent-cdn");
      try {
        const started = performance.now();
        await using executor = new LocalPythonExecutor({
          cacheDir: sharedCacheDir,
          packageCacheDir,
          packageBaseUrl: cdn.baseUrl,
          additionalAuthorizedImports: ["numpy", "pandas"],
          timeoutSeconds: 60,
        });
        const dated = await executor.run("import datetime\ndatetime.date(2026, 12, 2).isoformat()");
        const firstRunMs = performance.now() - started;
        expect(dated.error).toBeUndefined();
        expect(dated.output).toBe("2026-12-02");
        expect(firstRunMs).toBeLessThan(8_000);
        expect(cdn.requested.some((url) => url.includes("numpy-"))).toBe(true);

        const imported = await executor.run("import numpy");
        expect(imported.error?.type).toBe("ModuleNotFoundError");
        expect(imported.error?.message).toContain(
          "'numpy' is authorized, but its package is not installed in this sandbox: Could not download",
        );
        expect(imported.error?.message).toContain("no response within 10 s");
        expect(imported.error?.message).toContain(packageCacheDir);
        expect(imported.error?.message).toContain("additionalAuthorizedImports");
        // The sandbox is still whole.
        expect((await executor.run("6 * 7")).output).toBe(42);
      } finally {
        await cdn.close();
      }
    },
    timeout,
  );
});

describe("a Pyodide package downloaded while the sandbox runs", () => {
  // A copy of Pyodide whose lock file lists two packages of our own, the first needing the second.
  const pyodideDir = join(scratch, "pyodide");
  const remote = testWheel("smol_remote", {
    "smol_remote/__init__.py": "from smol_remote_dep import BASE\nVALUE = BASE + 1\n",
  });
  const dependency = testWheel("smol_remote_dep", { "smol_remote_dep/__init__.py": "BASE = 41\n" });
  const wheels: Record<string, Buffer> = {
    "smol_remote-1.0-py3-none-any.whl": remote,
    "smol_remote_dep-1.0-py3-none-any.whl": dependency,
  };

  it(
    "is waited for by its first import, with its dependencies",
    async () => {
      cpSync(pyodidePackageDirectory(), pyodideDir, { recursive: true, dereference: true });
      const lockPath = join(pyodideDir, "pyodide-lock.json");
      const lock = JSON.parse(readFileSync(lockPath, "utf8"));
      const entry = (name: string, fileName: string, depends: string[]) => ({
        name,
        version: "1.0",
        file_name: fileName,
        install_dir: "site",
        sha256: sha256Hex(wheels[fileName]!),
        package_type: "package",
        imports: [name.replace(/-/g, "_")],
        depends,
        unvendored_tests: false,
      });
      lock.packages["smol-remote"] = entry("smol-remote", "smol_remote-1.0-py3-none-any.whl", [
        "smol-remote-dep",
      ]);
      lock.packages["smol-remote-dep"] = entry("smol-remote-dep", "smol_remote_dep-1.0-py3-none-any.whl", []);
      writeFileSync(lockPath, JSON.stringify(lock));

      // Each wheel comes 1.5 s after it is asked for: the sandbox is up long before.
      const cdn = await wheelServer((url, response) => {
        const wheel = wheels[url.slice(url.lastIndexOf("/") + 1)];
        setTimeout(() => (wheel ? response.writeHead(200).end(wheel) : response.writeHead(404).end()), 1_500);
      });
      try {
        await using executor = new LocalPythonExecutor({
          cacheDir: sharedCacheDir,
          pyodideDir,
          packageCacheDir: join(scratch, "remote-wheels"),
          packageBaseUrl: cdn.baseUrl,
          additionalAuthorizedImports: ["smol_remote", "os", "sysconfig"],
        });
        const started = performance.now();
        const before = await executor.run(
          "import os, sysconfig\nos.path.exists(os.path.join(sysconfig.get_paths()['purelib'], 'smol_remote'))",
        );
        expect(before.error).toBeUndefined();
        expect(before.output).toBe(false);
        const imported = await executor.run("import smol_remote\nsmol_remote.VALUE");
        expect(imported.error).toBeUndefined();
        expect(imported.output).toBe(42);
        expect(performance.now() - started).toBeGreaterThan(1_000);
        expect(cdn.requested.map((url) => url.slice(url.lastIndexOf("/") + 1)).sort()).toEqual(
          Object.keys(wheels).sort(),
        );
      } finally {
        await cdn.close();
      }
    },
    timeout,
  );
});

describe("a CodeAgent told to authorize pandas and numpy, offline", () => {
  it(
    'answers a task whose code only imports datetime (the smolagent CLI\'s --imports "pandas numpy")',
    async () => {
      const model = new ScriptedModel([
        "Thought: I format the date.\n<code>\nimport datetime\nday = datetime.date(2026, 12, 2).isoformat()\nprint(day)\n</code>",
        "<code>\nfinal_answer(day)\n</code>",
      ]);
      await using agent = new CodeAgent({
        tools: [],
        model,
        verbosityLevel: LogLevel.OFF,
        additionalAuthorizedImports: ["pandas", "numpy"],
        // Port 9 cannot be fetched from: every download fails at once, as offline.
        executorOptions: {
          cacheDir: sharedCacheDir,
          packageCacheDir: join(scratch, "agent-offline"),
          packageBaseUrl: "http://127.0.0.1:9/",
        },
      });
      expect(await agent.run("What is the date?")).toBe("2026-12-02");
    },
    timeout,
  );
});
