import { main } from "./main.js";

const controller = new AbortController();
let interrupted = 0;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    // First Ctrl-C: let running participants finish; a second one leaves at once.
    if (++interrupted > 1) process.exit(130);
    controller.abort();
  });
}

const code = await main(process.argv.slice(2), { signal: controller.signal });
process.exitCode = code;
// Leave even if a library left a handle open (a pool, a keep-alive socket); stdout is flushed by then.
setTimeout(() => process.exit(code), 50).unref();
