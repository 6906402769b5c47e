import { handleShutdownSignals, signalExitCode } from "@powertoken/core";
import { main } from "./main.js";

// `powertoken maintenance | head -1`: the reader went away. Its further output is dropped and
// the job still finishes (a half-done run helps nobody); no EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") return;
    throw error;
  });
}

const controller = new AbortController();
// First Ctrl-C / SIGTERM: let running participants finish; a second one leaves at once.
handleShutdownSignals(process, { onShutdown: () => controller.abort(), onForce: (signal) => process.exit(signalExitCode(signal)) });

const code = await main(process.argv.slice(2), { signal: controller.signal });
process.exitCode = code;
// Leave even if a library left a handle open (a pool, a keep-alive socket); stdout is flushed by then.
setTimeout(() => process.exit(code), 50).unref();
