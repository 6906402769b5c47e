// The only stylesheet, served from /assets/style.css (the CSP allows no inline style).
// Mobile first: one column, large tap targets, system fonts, WCAG AA contrast.
/** The app's stylesheet. */
export const STYLESHEET = `
:root { --ink: #1b1f24; --muted: #4a5560; --accent: #0b5cad; --accent-ink: #ffffff; --ok: #1f7a3a; --warn: #9a3b00; --bg: #f6f7f9; --card: #ffffff; --line: #d5dae0; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 18px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header, main, footer { max-width: 34rem; margin: 0 auto; padding: 1rem 1.25rem; }
header { padding-top: 1.25rem; }
header p { margin: 0; font-weight: 600; color: var(--muted); font-size: 0.95rem; }
main { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 1.25rem 1.25rem 1.5rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.25rem 0 0.75rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 0.5rem; }
p, ul { margin: 0 0 1rem; }
ul { padding-left: 1.25rem; }
li { margin-bottom: 0.35rem; }
.step { font-size: 0.9rem; color: var(--muted); margin: 0; text-transform: uppercase; letter-spacing: 0.04em; }
label { display: block; font-weight: 600; margin: 1rem 0 0.35rem; }
input[type=email], input[type=password] { width: 100%; font: inherit; padding: 0.75rem; border: 1px solid #8a949e; border-radius: 8px; background: #fff; color: var(--ink); }
input:focus, .button:focus, button:focus { outline: 3px solid #f2b01e; outline-offset: 2px; }
.button, button { display: block; width: 100%; margin-top: 1.5rem; padding: 0.9rem 1rem; font: inherit; font-weight: 700; text-align: center; text-decoration: none; color: var(--accent-ink); background: var(--accent); border: 0; border-radius: 8px; cursor: pointer; }
.button.secondary { color: var(--accent); background: #fff; border: 2px solid var(--accent); }
.alert { border-left: 5px solid var(--warn); background: #fff4ec; padding: 0.75rem 1rem; margin: 0 0 1rem; border-radius: 4px; }
.success { border-left: 5px solid var(--ok); background: #eef8f1; padding: 0.75rem 1rem; margin: 0 0 1rem; border-radius: 4px; }
.figure { font-size: 2.25rem; font-weight: 800; margin: 0; }
.events { list-style: none; padding: 0; }
.events li span:last-child { white-space: nowrap; }
.events li { display: flex; justify-content: space-between; gap: 1rem; border-bottom: 1px solid var(--line); padding: 0.5rem 0; }
.done { color: var(--ok); font-weight: 700; }
.todo { color: var(--muted); }
.ring { display: block; width: 11rem; height: 11rem; margin: 0.5rem auto 1rem; }
footer { font-size: 0.95rem; color: var(--muted); }
@media (max-width: 36rem) { main { margin: 0 0.5rem; } }
footer a, main a { color: var(--accent); }
`;
