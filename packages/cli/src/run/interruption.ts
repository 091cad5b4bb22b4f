/** The process signals a command listens to; `process` in the binaries. */
export interface SignalSource {
  on(signal: "SIGINT" | "SIGTERM", listener: () => void): unknown;
  off(signal: "SIGINT" | "SIGTERM", listener: () => void): unknown;
}

/** Ctrl-C handling for one command; `dispose()` removes the listeners. */
export interface Interruption extends Disposable {
  readonly signal: AbortSignal;
  /** Called on the first Ctrl-C: interrupt the agent, stop its sandbox. Replaced as the command goes on. */
  onInterrupt: (() => void) | undefined;
  /** Interrupts as the first Ctrl-C does, for another reason (the output was closed); once only. */
  interrupt(reason: Error): void;
  dispose(): void;
}

/**
 * Turns Ctrl-C (SIGINT, or SIGTERM) into an abort: the first one aborts `signal` and calls
 * `onInterrupt` (which stops the agent and removes its sandbox); a second one calls
 * `forceExit`, for a user who does not want to wait for the clean-up.
 *
 * @example
 * using interruption = interruptOnSignals(process, () => process.exit(130));
 * interruption.onInterrupt = () => { agent.interrupt(); void agent.cleanup(); };
 */
export function interruptOnSignals(signals: SignalSource, forceExit: () => void): Interruption {
  const controller = new AbortController();
  const interruption: Interruption = {
    signal: controller.signal,
    onInterrupt: undefined,
    interrupt: (reason) => {
      if (controller.signal.aborted) return;
      controller.abort(reason);
      interruption.onInterrupt?.();
    },
    dispose: () => {
      signals.off("SIGINT", onSignal);
      signals.off("SIGTERM", onSignal);
    },
    [Symbol.dispose]: () => interruption.dispose(),
  };
  function onSignal(): void {
    if (controller.signal.aborted) {
      forceExit();
      return;
    }
    interruption.interrupt(new Error("interrupted by the user (Ctrl-C)"));
  }
  signals.on("SIGINT", onSignal);
  signals.on("SIGTERM", onSignal);
  return interruption;
}
