/** The part of `process` that signal handling needs; tests pass an EventEmitter. */
export interface SignalSource {
  on(event: "SIGTERM" | "SIGINT", listener: () => void): unknown;
  off(event: "SIGTERM" | "SIGINT", listener: () => void): unknown;
}

/** Options of {@link handleShutdownSignals}. */
export interface ShutdownSignalOptions {
  /** First SIGTERM or SIGINT: begin a graceful shutdown. */
  onShutdown: (signal: "SIGTERM" | "SIGINT") => void;
  /** Any later one: the operator insists; exit at once. */
  onForce: (signal: "SIGTERM" | "SIGINT") => void;
}

/** Listen for SIGTERM and SIGINT; returns a function that removes the listeners. */
export function handleShutdownSignals(source: SignalSource, options: ShutdownSignalOptions): () => void {
  let received = false;
  const listener = (signal: "SIGTERM" | "SIGINT") => () => {
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

/** Conventional exit status for death by a signal: 128 + its number. */
export function signalExitCode(signal: "SIGTERM" | "SIGINT"): number {
  return signal === "SIGINT" ? 130 : 143;
}
