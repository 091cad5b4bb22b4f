/**
 * Runs the BUILT commands (`dist/smolagent.js`, `dist/webagent.js`) as a user would: a child
 * process with its own environment, stdout and stderr. Builds what is missing first, so the
 * tests work after `pnpm test` (which builds everything) and on their own.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const cliRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const packagesRoot = resolve(cliRoot, "..");
export const smolagentBin = join(cliRoot, "dist", "smolagent.js");
export const webagentBin = join(cliRoot, "dist", "webagent.js");

/** The packages the commands import at run time in these tests. */
const RUNTIME_PACKAGES = [
  "core",
  "models-openai",
  "models-ollama",
  "models-hf",
  "executor-local",
  "tools-toolkit",
  "testing",
];

function newestSourceTime(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceTime(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts"))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds each runtime package whose `dist/` is missing, and the CLI when its sources are newer
 * than its build. A file lock keeps the test files (run in parallel) from building at once.
 */
export function ensureBuilt(): void {
  const commands: string[] = [];
  for (const name of RUNTIME_PACKAGES) {
    const built = join(packagesRoot, name, "dist", "index.js");
    // Rebuilt when missing or older than its sources: the commands must run today's code.
    if (!existsSync(built) || statSync(built).mtimeMs < newestSourceTime(join(packagesRoot, name, "src"))) {
      commands.push(`pnpm --filter @smol/${name} build`);
    }
  }
  const cliStale =
    !existsSync(smolagentBin) ||
    !existsSync(webagentBin) ||
    statSync(smolagentBin).mtimeMs < newestSourceTime(join(cliRoot, "src")) ||
    statSync(smolagentBin).mtimeMs < statSync(join(cliRoot, "package.json")).mtimeMs;
  if (cliStale) commands.push("pnpm --filter @smol/cli build");
  if (commands.length === 0) return;
  // Each build is checked again under the lock: another test file may have just done it.
  const script = commands
    .map((command) => {
      const name = command.split(" ")[2]!.replace("@smol/", "");
      const marker = name === "cli" ? smolagentBin : join(packagesRoot, name, "dist", "index.js");
      const sources = join(packagesRoot, name, "src");
      return `{ [ -f '${marker}' ] && [ -z "$(find '${sources}' -name '*.ts' ! -name '*.test.ts' -newer '${marker}' | head -1)" ] || ${command}; }`;
    })
    .join(" && ");
  execFileSync("flock", ["/tmp/smol-cli-test-build.lock", "sh", "-c", script], {
    cwd: resolve(packagesRoot, ".."),
    stdio: "pipe",
    timeout: 600_000,
  });
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** An environment without the keys and servers that would change which model is picked. */
export function cleanEnvironment(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const key of ["PATH", "HOME", "LANG", "TMPDIR", "SMOL_CACHE_DIR", "XDG_CACHE_HOME"]) {
    if (process.env[key] !== undefined) environment[key] = process.env[key];
  }
  // Nothing answers on port 9 of the loopback: no local Ollama is found by accident.
  environment.OLLAMA_HOST = "127.0.0.1:9";
  environment.NO_COLOR = "1";
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete environment[key];
    else environment[key] = value;
  }
  return environment;
}

export interface RunningCli {
  readonly pid: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves once `text` has appeared on stdout or stderr (rejects if the process ends first). */
  waitForOutput(text: string | RegExp): Promise<void>;
  kill(signal: NodeJS.Signals): void;
  /** Closes the reading end of the command's stdout, as `| head` does once it has its lines. */
  closeStdout(): void;
  result: Promise<CliResult>;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Piped on stdin, which is then closed; without it, stdin is empty (and not a terminal). */
  input?: string;
}

/** Starts a built command. */
export function startCli(bin: string, args: readonly string[], options: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, [bin, ...args], {
    env: options.env ?? cleanEnvironment(),
    cwd: options.cwd ?? cliRoot,
    stdio: "pipe",
  });
  // An empty, closed stdin when there is no input: not a terminal, and nothing to read. A
  // command that exits without reading its input is no failure of the test's.
  child.stdin.on("error", () => {});
  child.stdin.end(options.input ?? "");
  let stdout = "";
  let stderr = "";
  const waiters: { pattern: string | RegExp; resolve: () => void; reject: (error: Error) => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      const text = stdout + stderr;
      const found =
        typeof waiter.pattern === "string" ? text.includes(waiter.pattern) : waiter.pattern.test(text);
      if (found) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    check();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    check();
  });
  const result = new Promise<CliResult>((resolvePromise, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      for (const waiter of waiters.splice(0)) {
        waiter.reject(
          new Error(`The command ended before printing ${String(waiter.pattern)}.\n${stdout}\n${stderr}`),
        );
      }
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
  return {
    pid: child.pid!,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    waitForOutput: (pattern) =>
      new Promise<void>((resolvePromise, reject) => {
        waiters.push({ pattern, resolve: resolvePromise, reject });
        check();
      }),
    kill: (signal) => child.kill(signal),
    closeStdout: () => child.stdout.destroy(),
    result,
  };
}

/** Runs a built command to its end. */
export function runCli(bin: string, args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(bin, args, options).result;
}

/** The process ids of `pid`'s descendants, read from /proc. */
export function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name (2nd field) is in parentheses and may hold spaces: read after it.
      const afterName = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(entry), Number(afterName[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const [child, parent] of parents) {
      if (parent === current && !found.includes(child)) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/** True while a process with this id exists (and is not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}
