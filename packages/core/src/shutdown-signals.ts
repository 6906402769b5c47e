/** The part of `process` that signal handling needs; tests pass an EventEmitter. */
export interface SignalSource {
  on(event: "SIGTERM" | "SIGINT", listener: () => void): unknown;
  off(event: "SIGTERM" | "SIGINT", listener: () => void): unknown;
}

/** The two signals both apps stop on. */
export type ShutdownSignal = "SIGTERM" | "SIGINT";

/** Options of {@link handleShutdownSignals}. */
export interface ShutdownSignalOptions {
  /** First SIGTERM or SIGINT: stop starting new work, let work in flight finish. */
  onShutdown: (signal: ShutdownSignal) => void;
  /** Any later one: the operator insists; exit at once. */
  onForce: (signal: ShutdownSignal) => void;
}

/**
 * Two-stage shutdown shared by the CLI and the daemon: the first SIGTERM/SIGINT calls
 * `onShutdown`, any later one `onForce`. Takes the process-like emitter as an argument, so core
 * never touches `process`. Returns a function that removes the listeners.
 * @example
 * const controller = new AbortController();
 * handleShutdownSignals(process, { onShutdown: () => controller.abort(), onForce: (s) => process.exit(signalExitCode(s)) });
 */
export function handleShutdownSignals(source: SignalSource, options: ShutdownSignalOptions): () => void {
  let received = false;
  const listener = (signal: ShutdownSignal) => () => {
    if (received) return options.onForce(signal);
    received = true;
    options.onShutdown(signal);
  };
  const onTerm = listener("SIGTERM");
  const onInt = listener("SIGINT");
  source.on("SIGTERM", onTerm);
  source.on("SIGINT", onInt);
  return () => {
    source.off("SIGTERM", onTerm);
    source.off("SIGINT", onInt);
  };
}

/** Conventional exit status for death by a signal: 128 + its number (SIGINT 130, SIGTERM 143). */
export function signalExitCode(signal: ShutdownSignal): number {
  return signal === "SIGINT" ? 130 : 143;
}
