import { CLEAR_LINE } from "./terminal.js";

const BAR_WIDTH = 30;

/** `1.1 GB`, `512.0 MB`, `12 KB`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * A download progress bar. On a live terminal it redraws one line
 * (`Downloading x [#########·····] 45% 500.0 MB / 1.1 GB`); elsewhere it prints a line at each
 * quarter, so logs stay short.
 *
 * @example
 * const bar = new ProgressBar("Downloading the model", (text) => process.stderr.write(text), true);
 * bar.update(500, 1000);
 * bar.finish();
 */
export class ProgressBar {
  #lastQuarter = -1;
  #lastDrawAt = 0;
  #received = 0;
  #total: number | undefined;

  constructor(
    private readonly label: string,
    private readonly write: (text: string) => void,
    private readonly live: boolean,
  ) {}

  update(receivedBytes: number, totalBytes: number | undefined): void {
    this.#received = receivedBytes;
    this.#total = totalBytes;
    if (this.live) {
      const now = Date.now();
      // Redrawing on every chunk would flood the terminal; ten times a second reads smooth.
      if (now - this.#lastDrawAt < 100) return;
      this.#lastDrawAt = now;
      this.write(`${CLEAR_LINE}${this.#render()}`);
      return;
    }
    if (totalBytes === undefined) return;
    const quarter = Math.floor((receivedBytes / totalBytes) * 4);
    if (quarter > this.#lastQuarter && quarter < 4) {
      this.#lastQuarter = quarter;
      this.write(`${this.#render()}\n`);
    }
  }

  finish(): void {
    this.write(`${this.live ? CLEAR_LINE : ""}${this.#render(true)}\n`);
  }

  #render(done = false): string {
    const received = formatBytes(this.#received);
    if (this.#total === undefined) return `${this.label}: ${received}${done ? " done" : ""}`;
    const fraction = Math.min(1, this.#received / this.#total);
    const filled = Math.round(fraction * BAR_WIDTH);
    const bar = `${"#".repeat(filled)}${"·".repeat(BAR_WIDTH - filled)}`;
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    return `${this.label} [${bar}] ${percent} ${received} / ${formatBytes(this.#total)}`;
  }
}
