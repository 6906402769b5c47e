/** Internal: zod validation at the edge, with messages that name the path and never the body. */
import type { z } from "zod";
import { WeconnectError } from "./errors.js";

/** Parse a 2xx body against its schema; a mismatch names the endpoint and first failing path. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, endpoint: string): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? formatPath(issue.path) : "(root)";
  throw new WeconnectError(
    "INVALID_RESPONSE",
    `WEconnect's reply to ${endpoint} did not match the expected shape: ${where}: ${issue?.message ?? "invalid"}. ` +
      "The API may have changed; check the reference and update the schema.",
    { endpoint, status: 200 },
  );
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`))
    .join("");
}
