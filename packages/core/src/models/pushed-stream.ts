/**
 * An async iterable fed by callbacks: a library that reports progress through `onTextChunk`
 * pushes here, and a generator reads at its own pace. Nothing is dropped; the reader waits
 * while the queue is empty, and `fail` makes the next read throw.
 *
 * @example
 * const pieces = new PushedStream<string>();
 * generate({ onTextChunk: (text) => pieces.push(text) }).then(() => pieces.end(), (error) => pieces.fail(error));
 * for await (const text of pieces) process.stdout.write(text);
 */
export class PushedStream<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private finished = false;
  private failure: { error: unknown } | undefined;
  private wake: (() => void) | undefined;

  push(item: T): void {
    if (this.finished) return;
    this.items.push(item);
    this.notify();
  }

  end(): void {
    this.finished = true;
    this.notify();
  }

  fail(error: unknown): void {
    this.failure ??= { error };
    this.finished = true;
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const item = this.items.shift();
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (this.failure) throw this.failure.error;
      if (this.finished) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
