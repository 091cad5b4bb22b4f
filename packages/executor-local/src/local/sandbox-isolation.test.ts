import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { LocalPythonExecutor } from "@smol/executor-local";
import { describe, expect, it } from "vitest";
import { cpuTimeMs } from "./cpu-watchdog.js";
import { spawnDenoSandbox } from "./deno-process.js";

// Attacks on the sandbox process itself, checked from the host through /proc: what a guest
// leaves running after its run, what it makes Deno write to disk, which native libraries it
// makes the process load, and where the process runs.

const onLinux = process.platform === "linux";
const timeout = 120_000;
const cacheDir = join(tmpdir(), "smol-executor-local-test-cache");

function openExecutor(options: { timeoutSeconds?: number } = {}): LocalPythonExecutor {
  return new LocalPythonExecutor({ cacheDir, additionalAuthorizedImports: ["*"], ...options });
}

/** The pid of the sandbox process the executor runs now. */
async function sandboxPid(executor: LocalPythonExecutor): Promise<number> {
  const output = await executor.run("import js\njs.Deno.pid");
  expect(output.error).toBeUndefined();
  return output.output as number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Python that runs a JavaScript function body and ignores whatever it throws. */
const javascript = (body: string) =>
  `import js\ntry:\n    js.Function.new(${JSON.stringify(body)})()\nexcept Exception as error:\n    print(error)`;

const GPU_LIBRARIES = /libLLVM|swrast_dri|_dri\.so|libEGL|libdrm|libvulkan|libGL|libgbm|mesa/i;

describe.runIf(onLinux)("the sandbox process", () => {
  it(
    "uses no CPU after a run that tried to leave threads, timers and microtasks running",
    async () => {
      await using executor = openExecutor();
      const pid = await sandboxPid(executor);
      const spin = JSON.stringify("for (;;) {}");
      const attempts = [
        `new Worker("data:text/javascript," + encodeURIComponent(${spin}), { type: "module" })`,
        `new (process.getBuiltinModule("node:worker_threads").Worker)(${spin}, { eval: true })`,
        `new (process.getBuiltinModule("module").createRequire("/x.js")("worker_threads").Worker)(${spin}, { eval: true })`,
        `import("node:worker_threads").then((m) => new m.Worker(${spin}, { eval: true }))`,
        "setTimeout(function spin() { for (;;) {} }, 0)",
        "setInterval(() => { const end = Date.now() + 200; while (Date.now() < end) {} }, 1)",
        "queueMicrotask(() => { for (;;) {} })",
        "Promise.resolve().then(() => { for (;;) {} })",
      ];
      for (const attempt of attempts) {
        const output = await executor.run(javascript(attempt));
        expect(output.error, JSON.stringify(output)).toBeUndefined();
      }
      // Each run has returned: whatever it left behind must not be running.
      await sleep(300);
      const before = await cpuTimeMs(pid);
      await sleep(2_000);
      const after = await cpuTimeMs(pid);
      expect(before).toBeTypeOf("number");
      expect(after! - before!).toBeLessThan(300);
      expect((await executor.run("6 * 7")).output).toBe(42);
      expect(await sandboxPid(executor)).toBe(pid);
    },
    timeout,
  );

  it(
    "is stopped by the CPU watchdog when it burns CPU while it looks idle, well before the timeout",
    async () => {
      await using executor = openExecutor({ timeoutSeconds: 60 });
      expect((await executor.run("kept = 1")).error).toBeUndefined();
      const started = Date.now();
      // A newline on stdout is what the host takes for the end of the sandbox's answer.
      const output = await executor.run(
        "import js\njs.Deno.stdout.writeSync(js.TextEncoder.new().encode('\\n'))\nwhile True:\n    pass",
      );
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(output.error?.message).toMatch(/CPU/);
      expect((await executor.run("6 * 7")).output).toBe(42);
    },
    timeout,
  );

  it(
    "maps no GPU library after attempts to reach WebGPU",
    async () => {
      await using executor = openExecutor();
      const pid = await sandboxPid(executor);
      const attempts = [
        "navigator.gpu.requestAdapter()",
        "Object.getOwnPropertyDescriptor(Object.getPrototypeOf(navigator), 'gpu').get.call(navigator).requestAdapter()",
        "new OffscreenCanvas(16, 16).getContext('webgpu')",
        "GPU.prototype.requestAdapter.call({})",
        "Deno[Deno.internal].core",
        "new (process.getBuiltinModule('node:worker_threads').Worker)('navigator.gpu.requestAdapter()', { eval: true })",
      ];
      for (const attempt of attempts) await executor.run(javascript(attempt));
      // The Python side can await, unlike a JavaScript function called synchronously.
      await executor.run(
        "import js\nfrom pyodide.ffi import run_sync\ntry:\n    run_sync(js.navigator.gpu.requestAdapter())\nexcept Exception as error:\n    print(error)",
      );
      await sleep(500);
      const mapped = readFileSync(`/proc/${pid}/maps`, "utf8")
        .split("\n")
        .map((line) => line.split(/\s+/).slice(5).join(" "))
        .filter((path) => GPU_LIBRARIES.test(path));
      expect([...new Set(mapped)]).toEqual([]);
    },
    timeout,
  );

  it(
    "writes nothing on the host's disk when the guest imports modules of its own",
    async () => {
      const started = Date.now() - 1_000;
      const marker = `smol-guest-bytes-${randomBytes(8).toString("hex")}`;
      let cacheBefore: string[];
      {
        await using executor = openExecutor();
        const pid = await sandboxPid(executor);
        // Taken once the sandbox runs: the host has written what it writes (a snapshot, say).
        cacheBefore = listFiles(cacheDir);
        const code = [
          "import js",
          "from pyodide.ffi import run_sync",
          "done = 0",
          "for i in range(40):",
          `    source = "export const marker = '${marker}-" + str(i) + "'; " + "export const padding = '" + ("x" * 100_000) + "';"`,
          "    url = 'data:text/javascript,' + js.encodeURIComponent(source)",
          "    try:",
          "        run_sync(js.eval('(url) => import(url)')(url))",
          "        done += 1",
          "    except Exception as error:",
          "        js.eval('(url) => import(url)')(url)",
          "done",
        ].join("\n");
        const output = await executor.run(code);
        expect(output.error, JSON.stringify(output)).toBeUndefined();
        // Only its private copy of the Deno cache that the trusted snapshot build filled.
        const workingDirectory = readlinkSync(`/proc/${pid}/cwd`);
        expect(readdirSync(workingDirectory)).toEqual(["deno"]);
        await executor.cleanup();
        await sleep(200);
        expect(existsSync(workingDirectory)).toBe(false);
      }
      // The executor's cache holds what the trusted host wrote (snapshots, wheels), nothing new.
      expect(listFiles(cacheDir)).toEqual(cacheBefore);
      // Nowhere else either: no file written since the attack holds the guest's bytes.
      for (const root of [cacheDir, join(homedir(), ".cache"), tmpdir(), process.cwd()]) {
        const holding = filesModifiedSince(root, started).filter((path) => fileContains(path, marker));
        expect(holding, `under ${root}`).toEqual([]);
      }
    },
    timeout,
  );

  it(
    "runs in a private directory of its own, with no host path on its command line",
    async () => {
      await using executor = openExecutor();
      const pid = await sandboxPid(executor);
      const workingDirectory = readlinkSync(`/proc/${pid}/cwd`);
      expect(workingDirectory.startsWith(join(tmpdir(), "smol-sandbox-"))).toBe(true);
      expect(workingDirectory).not.toBe(process.cwd());
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      // The read permission names the files it may read; the settings are not on the command line.
      expect(commandLine[0]).toBe("deno");
      expect(commandLine.some((argument) => argument.includes("pyodideDir"))).toBe(false);
      expect(commandLine.at(-2)?.endsWith("runner.js")).toBe(true);
    },
    timeout,
  );
});

// The second layer, without the first: a trusted script (not the guest, so no `lockDown`) that
// does what a guest with a worker thread could do, under the command line and environment of a
// sandbox. Deno itself must then neither write modules to disk nor load a GPU driver.
describe.runIf(onLinux)("the sandbox's command line and environment", () => {
  const denoPath = new LocalPythonExecutor({ cacheDir }).denoPath;

  async function runScript(source: string): Promise<{ pid: number; answer: string; stop(): Promise<void> }> {
    const directory = mkdtempSync(join(tmpdir(), "smol-isolation-script-"));
    const script = join(directory, "script.js");
    writeFileSync(script, source);
    const transport = await spawnDenoSandbox(
      { denoPath, script, config: {}, readPaths: [realpathSync(directory)], memoryLimitMb: 512 },
      { residentMemoryLimitBytes: 2 ** 31 },
    );
    const lines = transport.lines[Symbol.asyncIterator]();
    const answer = await lines.next();
    return {
      pid: transport.pid,
      answer: String(answer.value),
      stop: async () => {
        await transport.kill();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  }

  it(
    "keeps no module a script imports in any cache on disk",
    async () => {
      const started = Date.now() - 1_000;
      const marker = `smol-module-bytes-${randomBytes(8).toString("hex")}`;
      const run = await runScript(
        [
          "let loaded = 0;",
          "for (let i = 0; i < 40; i++) {",
          `  const source = "export const marker = '${marker}-" + i + "'; export const padding = '" + "x".repeat(100000) + "';";`,
          '  await import("data:text/javascript," + encodeURIComponent(source));',
          "  loaded += 1;",
          "}",
          'console.log("loaded " + loaded);',
          "Deno.stdin.readSync(new Uint8Array(1));",
        ].join("\n"),
      );
      expect(run.answer).toBe("loaded 40");
      const workingDirectory = readlinkSync(`/proc/${run.pid}/cwd`);
      expect(readdirSync(workingDirectory)).toEqual(["no-deno-dir"]);
      await run.stop();
      for (const root of [cacheDir, join(homedir(), ".cache"), tmpdir(), process.cwd()]) {
        const holding = filesModifiedSince(root, started).filter((path) => fileContains(path, marker));
        expect(holding, `under ${root}`).toEqual([]);
      }
    },
    timeout,
  );

  it(
    "finds no GPU adapter and maps no GPU library",
    async () => {
      const run = await runScript(
        [
          "const adapter = await navigator.gpu.requestAdapter();",
          'console.log(adapter === null ? "no adapter" : "adapter");',
          "Deno.stdin.readSync(new Uint8Array(1));",
        ].join("\n"),
      );
      try {
        expect(run.answer).toBe("no adapter");
        const mapped = readFileSync(`/proc/${run.pid}/maps`, "utf8")
          .split("\n")
          .filter((line) => GPU_LIBRARIES.test(line));
        expect(mapped).toEqual([]);
      } finally {
        await run.stop();
      }
    },
    timeout,
  );
});

/** Every regular file under `root` with its size and modification time (skipping lock files). */
function listFiles(root: string): string[] {
  return walk(root, () => true)
    .filter((path) => !path.endsWith(".lock"))
    .map((path) => {
      const stat = statSync(path);
      return `${path} ${stat.size} ${stat.mtimeMs}`;
    })
    .sort();
}

function filesModifiedSince(root: string, since: number): string[] {
  return walk(root, (path) => !/[\\/](node_modules|\.git)$/.test(path)).filter((path) => {
    try {
      return statSync(path).mtimeMs >= since;
    } catch {
      return false;
    }
  });
}

/** Regular files under `root`, at most 20,000, entering the directories `enter` accepts. */
function walk(root: string, enter: (directory: string) => boolean): string[] {
  const files: string[] = [];
  const pending = [root];
  while (pending.length > 0 && files.length < 20_000) {
    const directory = pending.pop()!;
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (entry.isDirectory() && enter(path)) pending.push(path);
      else if (entry.isFile()) files.push(path);
    }
  }
  return files;
}

function fileContains(path: string, text: string): boolean {
  try {
    if (statSync(path).size > 512 * 1024 * 1024) return false;
    return readFileSync(path).includes(text);
  } catch {
    return false;
  }
}
