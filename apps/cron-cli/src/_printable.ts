/**
 * Control characters (C0 except tab/newline, DEL, C1) and the bidirectional overrides that can
 * reorder what a terminal shows. A participant's name comes from a roster or a web form: printed
 * raw, an escape sequence in it could recolour, retitle or rewrite the operator's terminal.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * `text` with every control character and bidi override shown as a visible `\u{…}` escape, so
 * it prints as inert text. Newlines and tabs are kept (tables and messages span lines).
 * @example printable("eve\u001b[2J") === "eve\\u{1b}[2J"
 */
export function printable(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}
