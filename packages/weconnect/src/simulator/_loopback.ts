/** Internal: LoopBack 3 replies and the server's date parsing (docs/weconnect-api.md#dates-and-time-windows, docs/weconnect-api.md#errors). */

/**
 * A reply as plain data, so node:http can write it without building a Web Response (about 19×
 * slower per request, issue 14) and the Web handler can wrap it in one.
 */
export interface SimReply {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

/** A JSON reply, every Date rendered with `toISOString()` (docs/weconnect-api.md#simulator-checklist, via Date#toJSON). */
export function json(body: unknown, status = 200): SimReply {
  return { status, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(body) };
}

/** docs/weconnect-api.md#errors: `{ error: { statusCode, name, message, code? , details? } }`. */
export function lbError(
  status: number,
  message: string,
  code?: string,
  extra: { name?: string; details?: unknown } = {},
): SimReply {
  const error: Record<string, unknown> = { statusCode: status, name: extra.name ?? "Error", message };
  if (code !== undefined) error.code = code;
  if (extra.details !== undefined) error.details = extra.details;
  return json({ error }, status);
}

/** docs/weconnect-api.md#errors LB3 401 for an absent, unknown, expired or foreign token. */
export const authRequired = () => lbError(401, "Authorization Required", "AUTHORIZATION_REQUIRED");

const ZONELESS = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,3})\d*)?)?)?$/;

/**
 * The server's reading of `from`/`to` (docs/weconnect-api.md#dates-and-time-windows CHOICE): zone-less strings are UTC (a Heroku dyno runs
 * in UTC), including the 2017 client's unpadded `2017-11-2T9:5:3` (SETUP-2017), which V8's
 * Date.parse rejects, so it is parsed by hand; anything with a zone goes to Date.parse.
 */
export function parseServerDate(value: string | null): Date | undefined {
  if (value === null || value.trim() === "") return undefined;
  const match = ZONELESS.exec(value.trim());
  if (match) {
    const [y, mo, d, h, mi, s, ms] = match.slice(1).map((p) => (p === undefined ? 0 : Number(p)));
    const date = new Date(Date.UTC(y!, mo! - 1, d!, h, mi, s, Number(String(ms).padEnd(3, "0").slice(0, 3))));
    const valid = mo! >= 1 && mo! <= 12 && date.getUTCDate() === d && h! < 24 && mi! < 60 && s! < 60;
    return valid ? date : undefined;
  }
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : new Date(parsed);
}

const HEROKU_503 = `<!DOCTYPE html>
<html>
  <head>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta charset="utf-8">
    <title>Application Error</title>
  </head>
  <body>
    <iframe src="//www.herokucdn.com/error-pages/application-error.html"></iframe>
  </body>
</html>
`;

/** docs/weconnect-api.md#errors inferred: Heroku router errors (H10/H12) come back as HTML, not LoopBack JSON. */
export function herokuHtml(status: number): SimReply {
  return { status, headers: { "content-type": "text/html; charset=utf-8" }, body: HEROKU_503 };
}
