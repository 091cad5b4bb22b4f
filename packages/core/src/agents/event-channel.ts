/**
 * Events raised by work that runs outside a step's generator (tool calls waiting for approval,
 * calls made from a CodeAgent's code), handed to the generator so that it yields them while it
 * waits for that work. A generator that awaits a promise cannot yield meanwhile: `until` races
 * the promise with the events sent.
 */
export class EventChannel<Event> {
  readonly #queue: { event: Event; delivered: () => void }[] = [];
  #wake: (() => void) | undefined;

  /** Hands an event to the reader; resolves once the reader has yielded it (and so published it). */
  send(event: Event): Promise<void> {
    return new Promise<void>((delivered) => {
      this.#queue.push({ event, delivered });
      this.#wake?.();
    });
  }

  /**
   * Yields the events sent until `work` settles (and those still queued then); returns what
   * `work` resolves to, or throws what it rejects with.
   */
  async *until<Result>(work: Promise<Result>): AsyncGenerator<Event, Result> {
    let settled = false;
    const done = work.then(
      () => {
        settled = true;
        this.#wake?.();
      },
      () => {
        settled = true;
        this.#wake?.();
      },
    );
    try {
      for (;;) {
        while (this.#queue.length > 0) {
          // The reader resumes here once the event is published; it stays queued until then,
          // so that `release` can free its sender if the reader stops early.
          yield this.#queue[0]!.event;
          this.#queue.shift()!.delivered();
        }
        if (settled) break;
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        this.#wake = undefined;
      }
      await done;
      return await work;
    } finally {
      this.#wake = undefined;
    }
  }

  /** Frees the senders of events nobody will read (the reader stopped). */
  release(): void {
    for (const { delivered } of this.#queue.splice(0)) delivered();
  }
}
