import { type ChildProcess, spawn } from "node:child_process";

/** How a child process ended: its exit code, or the signal that killed it. */
export interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartedChild {
  /** The match of `readyPattern` in the child's stdout. */
  ready: RegExpExecArray;
  /** Everything the child wrote so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Sends `signal` (when given) and waits for the child to end. */
  end(signal?: NodeJS.Signals): Promise<ChildEnd>;
  process: ChildProcess;
}

/**
 * Runs a TypeScript script in a separate Node process (through tsx), for tests of what happens
 * when a process ends: waits until its stdout matches `readyPattern`, rejecting with its stderr
 * if it ends first.
 */
export async function startTypeScriptChild(
  script: string,
  args: string[],
  options: { readyPattern: RegExp; env?: NodeJS.ProcessEnv; cwd?: string },
): Promise<StartedChild> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    ...(options.env ? { env: options.env } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const ended = new Promise<ChildEnd>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = options.readyPattern.exec(stdout);
      if (match) resolve(match);
    });
    void ended.then((end) => reject(new Error(`the child ended (${JSON.stringify(end)}) early: ${stderr}`)));
  });
  return {
    ready,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    end(signal) {
      if (signal) child.kill(signal);
      return ended;
    },
    process: child,
  };
}
