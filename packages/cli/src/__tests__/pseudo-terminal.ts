/**
 * Runs a command in a pseudo-terminal with util-linux's `script`, so that it sees a real
 * terminal (raw keys, a TTY stdin), and lets a test answer its prompts by typing.
 */
import { spawn } from "node:child_process";

/** Keys as a terminal sends them. */
export const Keys = {
  enter: "\r",
  down: "\u001b[B",
  space: " ",
  ctrlC: "\u0003",
} as const;

/** Removes ANSI escape sequences, to read the screen's text. */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC.
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007|\u001b[()][A-Za-z0-9]/g, "");
}

export interface PseudoTerminal {
  /** Everything shown so far, without ANSI escapes. */
  readonly screen: string;
  /** Resolves when `text` appears after the position of the previous wait (rejects if the command ends). */
  waitFor(text: string): Promise<void>;
  type(keys: string): void;
  /** The command's exit code. */
  exit: Promise<number | null>;
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Starts `command` in a pseudo-terminal of 120 columns. */
export function startInPseudoTerminal(
  command: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd?: string,
): PseudoTerminal {
  const commandLine = `stty cols 120 rows 40; exec ${command.map(shellQuote).join(" ")}`;
  const child = spawn("script", ["-qfec", commandLine, "/dev/null"], {
    env: { ...env, TERM: "xterm-256color" },
    cwd,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let raw = "";
  let consumed = 0;
  const waiters: { text: string; resolve: () => void; reject: (error: Error) => void }[] = [];
  let ended = false;
  const check = () => {
    const screen = stripAnsi(raw);
    for (const waiter of [...waiters]) {
      const index = screen.indexOf(waiter.text, consumed);
      if (index !== -1) {
        consumed = index + waiter.text.length;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      } else if (ended) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.reject(new Error(`The command ended before showing "${waiter.text}". Screen:\n${screen}`));
      }
    }
  };
  const onData = (chunk: Buffer) => {
    raw += chunk.toString("utf8");
    check();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exit = new Promise<number | null>((resolve) => {
    child.on("close", (code) => {
      ended = true;
      check();
      resolve(code);
    });
  });
  return {
    get screen() {
      return stripAnsi(raw);
    },
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        // A prompt that never comes fails with what the screen shows instead of a bare timeout.
        const timer = setTimeout(() => {
          const index = waiters.findIndex((waiter) => waiter.text === text);
          if (index !== -1) waiters.splice(index, 1);
          reject(new Error(`"${text}" did not appear. Screen:\n${stripAnsi(raw).slice(-3000)}`));
        }, 20_000);
        waiters.push({
          text,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        check();
      }),
    type: (keys) => {
      child.stdin.write(keys);
    },
    exit,
  };
}
