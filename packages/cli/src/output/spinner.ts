import { CLEAR_LINE } from "./terminal.js";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const INTERVAL_MS = 90;

/**
 * A one-line spinner with the seconds elapsed: `⠹ Waiting for the model… 3.4s`. It draws
 * only when enabled (a live terminal); `stop()` erases it so the next output starts on a clean
 * line. Its timer does not keep the process alive.
 *
 * @example
 * const spinner = new Spinner((text) => process.stderr.write(text), isLiveTerminal(process.stderr));
 * spinner.start("Waiting for the model");
 * spinner.stop();
 */
export class Spinner {
  #timer: NodeJS.Timeout | undefined;
  #label = "";
  #startedAt = 0;
  #frame = 0;

  constructor(
    private readonly write: (text: string) => void,
    readonly enabled: boolean,
  ) {}

  get isSpinning(): boolean {
    return this.#timer !== undefined;
  }

  start(label: string): void {
    if (!this.enabled) return;
    this.stop();
    this.#label = label;
    this.#startedAt = Date.now();
    this.#frame = 0;
    this.#draw();
    this.#timer = setInterval(() => this.#draw(), INTERVAL_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.write(CLEAR_LINE);
  }

  #draw(): void {
    const seconds = ((Date.now() - this.#startedAt) / 1000).toFixed(1);
    const frame = FRAMES[this.#frame++ % FRAMES.length];
    this.write(`${CLEAR_LINE}\u001b[36m${frame}\u001b[0m ${this.#label}… \u001b[2m${seconds}s\u001b[0m`);
  }
}
