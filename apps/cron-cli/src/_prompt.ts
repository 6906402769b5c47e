import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { CliError } from "./_errors.js";

type Input = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

/** Asks one question on the terminal; `hidden` echoes nothing (for passwords). */
export async function ask(stdin: Input, question: string, options: { hidden?: boolean } = {}): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: stdin, output, terminal: Boolean(stdin.isTTY) });
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.question(question, (answer) => {
        if (options.hidden) process.stderr.write("\n");
        resolve(answer);
      });
      rl.once("close", () => reject(new CliError("INPUT_REQUIRED", "Input ended before an answer was given.")));
      muted = Boolean(options.hidden);
    });
  } finally {
    rl.close();
  }
}

/**
 * Reads the first line of a non-interactive stdin (a pipe in a script or a test), e.g. a password:
 * `printf '%s\n' "$PW" | powertoken connect weconnect alice --email a@b.org`.
 * @throws CliError INPUT_REQUIRED when stdin is empty
 */
export async function readFirstLine(stdin: Input, what: string): Promise<string> {
  const rl = createInterface({ input: stdin, terminal: false });
  try {
    for await (const line of rl) return line.replace(/\r$/, "");
  } finally {
    rl.close();
  }
  throw new CliError("INPUT_REQUIRED", `No ${what} on stdin. Pipe it in, or run the command in a terminal to be asked.`);
}
