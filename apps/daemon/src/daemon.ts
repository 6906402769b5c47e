import { runDaemon } from "./main.js";

// The bin: hand the real process edges to runDaemon and exit with its status.
process.on("unhandledRejection", (reason) => {
  process.stderr.write(`powertoken-daemon: unhandled rejection: ${String((reason as Error)?.stack ?? reason)}\n`);
  process.exit(1);
});

const code = await runDaemon({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  signals: process,
  exit: (status) => process.exit(status),
  stderr: (text) => process.stderr.write(`${text}\n`),
  stdout: (text) => process.stdout.write(`${text}\n`),
});
process.exit(code);
