import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tool } from "@smol/core";
import { BASE_BUILTIN_MODULES } from "@smol/core/executor-kit";
import { LocalPythonExecutor } from "@smol/executor-local";
import { describeExecutorConformance } from "@smol/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { denoArguments, denoEnvironment } from "./deno-command.js";
import { DenoSandboxFactory } from "./deno-sandbox-factory.js";
import { pyodidePackageDirectory } from "./sandbox-files.js";
import { snapshotFileName } from "./snapshot.js";
import { testWheel } from "./test-wheel.js";

// Shared across runs so that the snapshot is built once per machine, not once per test run.
const sharedCacheDir = join(tmpdir(), "smol-executor-local-test-cache");
const timeout = 120_000;

describeExecutorConformance(
  "LocalPythonExecutor",
  (options) => new LocalPythonExecutor({ ...options, cacheDir: sharedCacheDir }),
  {
    testTimeoutMs: timeout,
  },
);

describe("the Deno command line of the sandbox", () => {
  const launch = {
    denoPath: "/opt/deno",
    script: "/assets/runner.js",
    config: { pyodideDir: "/pyodide" },
    readPaths: ["/pyodide", "/assets", "/runtime/smol_runtime.py"],
    memoryLimitMb: 256,
  };

  it("grants reading the given paths and nothing else", () => {
    const args = denoArguments(launch);
    const allows = args.filter((arg) => arg.startsWith("--allow-"));
    expect(allows).toEqual(["--allow-read=/pyodide,/assets,/runtime/smol_runtime.py"]);
    for (const flag of [
      "--no-prompt",
      "--no-remote",
      "--no-npm",
      "--no-config",
      "--deny-net",
      "--deny-env",
      "--deny-run",
      "--deny-ffi",
      "--deny-write",
      "--no-code-cache",
    ]) {
      expect(args).toContain(flag);
    }
    expect(args).toContain("--v8-flags=--wasm-max-mem-pages=4096,--max-old-space-size=256");
    // The script comes last, after every flag; its settings go to stdin, not to the command line.
    expect(args.at(-1)).toBe("/assets/runner.js");
    expect(args.join(" ")).not.toContain('/pyodide"');
  });

  it("exposes V8's collector only to a launch that asks for it (the shared process)", () => {
    expect(denoArguments(launch).join(" ")).not.toContain("expose-gc");
    expect(denoArguments({ ...launch, exposeGc: true })).toContain(
      "--v8-flags=--wasm-max-mem-pages=4096,--max-old-space-size=256,--expose-gc",
    );
  });

  it("passes an environment without anything of the host's", () => {
    process.env.SMOL_TEST_SECRET = "should-not-pass";
    try {
      expect(denoEnvironment("/tmp/smol-sandbox-1", "/tmp/smol-sandbox-1/deno")).toEqual({
        DENO_DIR: "/tmp/smol-sandbox-1/deno",
        DENO_NO_UPDATE_CHECK: "1",
        DENO_WEBGPU_BACKEND: "none",
        HOME: "/tmp/smol-sandbox-1",
        XDG_CACHE_HOME: "/tmp/smol-sandbox-1",
        MESA_SHADER_CACHE_DISABLE: "true",
        NO_COLOR: "1",
        MALLOC_MMAP_THRESHOLD_: "16384",
      });
    } finally {
      delete process.env.SMOL_TEST_SECRET;
    }
  });
});

describe("LocalPythonExecutor", () => {
  const scratch = mkdtempSync(join(tmpdir(), "smol-local-executor-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it(
    "builds a read-only snapshot on first use and starts from it",
    async () => {
      const cacheDir = join(scratch, "snapshot-cache");
      // No shipped snapshot: the workspace has one once a packaging test has packed the package,
      // and installing it would leave no build to check (shipped-snapshot.test.ts covers that).
      await using first = new LocalPythonExecutor({
        cacheDir,
        shippedSnapshotDir: false,
        additionalAuthorizedImports: ["os"],
      });
      // A plain start installs the runtime in the in-memory file system; a snapshot start restores
      // the interpreter's memory only, so that file is absent.
      const fromSnapshot = "import os\nos.path.exists('/smol/smol_runtime.py')";
      expect((await first.run(fromSnapshot)).output).toBe(false);
      const snapshots = readdirSync(join(cacheDir, "snapshots")).sort();
      // The snapshot, and the Deno cache its build filled (each sandbox starts from a copy).
      expect(snapshots).toHaveLength(2);
      expect(snapshots[0]).toMatch(/^pyodide-[\d.]+-[0-9a-f]{16}\.snapshot$/);
      expect(snapshots[1]).toBe(`${snapshots[0]}.deno`);
      const mode = statSync(join(cacheDir, "snapshots", snapshots[0]!)).mode & 0o777;
      expect(mode & 0o222).toBe(0);
      await using second = new LocalPythonExecutor({ cacheDir, additionalAuthorizedImports: ["os"] });
      expect((await second.run(`${fromSnapshot}, 6 * 7`)).output).toEqual([false, 42]);
    },
    timeout,
  );

  it(
    "has core's base modules imported already, from the snapshot and from a plain start",
    async () => {
      const probe = `import sys\n[name in sys.modules for name in ${JSON.stringify([...BASE_BUILTIN_MODULES])}]`;
      const everyBaseModule = BASE_BUILTIN_MODULES.map(() => true);
      await using fromSnapshot = new LocalPythonExecutor({
        cacheDir: join(scratch, "snapshot-cache"),
        additionalAuthorizedImports: ["sys"],
      });
      expect((await fromSnapshot.run(probe)).output).toEqual(everyBaseModule);
      await using plain = new LocalPythonExecutor({ snapshot: false, additionalAuthorizedImports: ["sys"] });
      expect((await plain.run(probe)).output).toEqual(everyBaseModule);
    },
    timeout,
  );

  it(
    "starts plainly when snapshots are off",
    async () => {
      const cacheDir = join(scratch, "plain-cache");
      await using plain = new LocalPythonExecutor({
        cacheDir,
        snapshot: false,
        additionalAuthorizedImports: ["os"],
      });
      expect((await plain.run("import os\nos.path.exists('/smol/smol_runtime.py')")).output).toBe(true);
      expect(() => readdirSync(join(cacheDir, "snapshots"))).toThrow();
    },
    timeout,
  );

  it(
    "starts plainly when the snapshot is damaged",
    async () => {
      const cacheDir = join(scratch, "damaged-cache");
      const factory = new DenoSandboxFactory({
        additionalAuthorizedImports: [],
        memoryLimitMb: 1024,
        snapshot: true,
        cacheDir,
      });
      mkdirSync(factory.snapshotDirectory, { recursive: true });
      writeFileSync(
        join(factory.snapshotDirectory, snapshotFileName(factory.snapshotInputs)),
        "not a snapshot",
      );
      await using damaged = new LocalPythonExecutor({ cacheDir, additionalAuthorizedImports: ["os"] });
      const output = await damaged.run("import os\nos.path.exists('/smol/smol_runtime.py')");
      expect(output.error).toBeUndefined();
      expect(output.output).toBe(true);
    },
    timeout,
  );

  it(
    "starts plainly when the snapshot's header is sound but its pages are cut short",
    async () => {
      const goodCache = join(scratch, "truncated-source");
      await using builder = new LocalPythonExecutor({ cacheDir: goodCache });
      await builder.start();
      const [name] = readdirSync(join(goodCache, "snapshots")).filter((file) => file.endsWith(".snapshot"));
      const whole = readFileSync(join(goodCache, "snapshots", name!));
      const cacheDir = join(scratch, "truncated-cache");
      mkdirSync(join(cacheDir, "snapshots"), { recursive: true });
      // The header and the start of the pages survive: the restore fails midway, after Pyodide
      // has begun loading, and the sandbox must still come up plainly in the same process.
      writeFileSync(join(cacheDir, "snapshots", name!), whole.subarray(0, whole.length / 2));
      await using truncated = new LocalPythonExecutor({ cacheDir, additionalAuthorizedImports: ["os"] });
      const output = await truncated.run("import os\nos.path.exists('/smol/smol_runtime.py'), 6 * 7");
      expect(output.error).toBeUndefined();
      expect(output.output).toEqual([true, 42]);
    },
    timeout,
  );

  it(
    "installs a wheel from the package cache for an authorized import",
    async () => {
      const packageCacheDir = join(scratch, "wheels");
      mkdirSync(packageCacheDir);
      writeFileSync(
        join(packageCacheDir, "smol_greetings-1.0-py3-none-any.whl"),
        testWheel("smol_greetings", {
          "smol_greetings/__init__.py": "def greet(name):\n    return f'hello, {name}, from a wheel'\n",
        }),
      );
      await using executor = new LocalPythonExecutor({
        cacheDir: sharedCacheDir,
        packageCacheDir,
        additionalAuthorizedImports: ["smol_greetings"],
      });
      const output = await executor.run("import smol_greetings\nsmol_greetings.greet('Ada')");
      expect(output.error).toBeUndefined();
      expect(output.output).toBe("hello, Ada, from a wheel");
    },
    timeout,
  );

  describe("when a Pyodide package cannot be downloaded", () => {
    let server: Server;
    let baseUrl: string;
    const requested: string[] = [];
    beforeAll(async () => {
      server = createServer((request, response) => {
        requested.push(request.url ?? "");
        response.writeHead(404).end("not here");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const address = server.address();
      if (address === null || typeof address === "string") throw new Error("no port");
      baseUrl = `http://127.0.0.1:${address.port}/pyodide/`;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it(
      "starts without it: code that does not import it runs, its import says where to put the wheel",
      async () => {
        const packageCacheDir = join(scratch, "empty-wheels");
        const warnings: string[] = [];
        const onWarning = (warning: Error) => warnings.push(warning.message);
        process.on("warning", onWarning);
        try {
          await using executor = new LocalPythonExecutor({
            cacheDir: sharedCacheDir,
            packageCacheDir,
            packageBaseUrl: baseUrl,
            additionalAuthorizedImports: ["PIL.*"],
          });
          expect((await executor.run("1 + 1")).output).toBe(2);
          const imported = await executor.run("import PIL");
          expect(imported.error?.type).toBe("ModuleNotFoundError");
          expect(imported.error?.message).toContain("packageCacheDir");
          await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
          const warning = warnings.find((message) => message.includes('Pyodide package "Pillow"'));
          expect(warning).toContain('(needed to import "PIL")');
          expect(warning).toContain("HTTP 404");
          expect(warning).toContain(packageCacheDir);
        } finally {
          process.off("warning", onWarning);
        }
        // The host asked for the wheel by the file name of Pyodide's lock file.
        expect(requested.some((url) => /^\/pyodide\/pillow-.*\.whl$/.test(url))).toBe(true);
      },
      timeout,
    );
  });

  it(
    "reports a crash of the sandbox and restarts it for the next run",
    async () => {
      await using executor = new LocalPythonExecutor({
        cacheDir: sharedCacheDir,
        additionalAuthorizedImports: ["*"],
      });
      await executor.sendTools([
        tool(
          {
            name: "double",
            description: "Doubles a number.",
            inputs: { x: { type: "number", description: "x" } },
            outputType: "number",
          },
          ({ x }) => 2 * x,
        ),
      ]);
      expect((await executor.run("kept = 1")).error).toBeUndefined();
      const crash = await executor.run("import js\njs.Deno.exit(7)");
      expect(crash.error?.type).toBe("SandboxError");
      expect(crash.error?.message).toContain("exited with code 7");
      const next = await executor.run("double(21)");
      expect(next.error).toBeUndefined();
      expect(next.output).toBe(42);
      // A fresh interpreter: what the crashed one held is gone.
      expect((await executor.run("kept")).error?.type).toBe("NameError");
    },
    timeout,
  );

  it(
    "stops a sandbox whose resident memory passes the limit, then runs again",
    async () => {
      await using executor = new LocalPythonExecutor({
        cacheDir: sharedCacheDir,
        memoryLimitMb: 64,
        additionalAuthorizedImports: ["*"],
        timeoutSeconds: 90,
      });
      // JavaScript buffers bypass the WebAssembly memory cap: only the watchdog sees them.
      const bomb = await executor.run(
        "import js\nhogs = [js.Uint8Array.new(32 * 1024 * 1024).fill(1) for _ in range(64)]",
      );
      expect(bomb.error?.type).toBe("MemoryError");
      expect(bomb.error?.message).toMatch(/over its limit of \d+ MB/);
      expect((await executor.run("6 * 7")).output).toBe(42);
    },
    timeout,
  );

  it(
    "makes Python raise MemoryError at the WebAssembly memory cap, keeping the sandbox",
    async () => {
      await using executor = new LocalPythonExecutor({ cacheDir: sharedCacheDir, memoryLimitMb: 128 });
      expect((await executor.run("kept = 'still here'")).error).toBeUndefined();
      const bomb = await executor.run("hog = bytearray(512 * 1024 * 1024)");
      expect(bomb.error?.type).toBe("MemoryError");
      expect((await executor.run("kept")).output).toBe("still here");
    },
    timeout,
  );

  it("finds a Deno binary given by name on PATH, and says when there is none", () => {
    const bin = join(scratch, "bin");
    mkdirSync(bin);
    const realDeno = new LocalPythonExecutor({ cacheDir: sharedCacheDir }).denoPath;
    symlinkSync(realDeno, join(bin, "my-deno"));
    const previousPath = process.env.PATH;
    process.env.PATH = `${bin}:${previousPath}`;
    try {
      expect(new LocalPythonExecutor({ cacheDir: sharedCacheDir, denoPath: "my-deno" }).denoPath).toBe(
        realDeno,
      );
      expect(() => new LocalPythonExecutor({ cacheDir: sharedCacheDir, denoPath: "no-such-deno" })).toThrow(
        /on PATH/,
      );
    } finally {
      process.env.PATH = previousPath;
    }
  });

  it("refuses to let the sandbox read a directory that contains a symlink", () => {
    const pyodideDir = join(scratch, "pyodide-with-symlinks");
    mkdirSync(pyodideDir);
    const realPyodide = pyodidePackageDirectory();
    for (const name of readdirSync(realPyodide)) symlinkSync(join(realPyodide, name), join(pyodideDir, name));
    expect(() => new LocalPythonExecutor({ cacheDir: sharedCacheDir, pyodideDir })).toThrow(/symlink/);
  });
});
