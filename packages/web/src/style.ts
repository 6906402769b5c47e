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

/* The study team's dashboard (body.admin): wide tables on a laptop, one scrolling column on a phone. */
.admin header, .admin main { max-width: 78rem; }
body.admin { font-size: 16px; }
.admin main { padding: 1rem 1.25rem 1.5rem; }
.admin header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem 1.5rem; }
.admin .brand { color: var(--ink); }
.admin nav ul { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; list-style: none; padding: 0; margin: 0; }
.admin nav li { margin: 0; }
.admin nav a { color: var(--accent); font-weight: 600; text-decoration: none; padding: 0.35rem 0; display: inline-block; }
.admin nav a[aria-current=page] { color: var(--ink); border-bottom: 3px solid var(--accent); }
.admin nav { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1.5rem; }
.signout { display: flex; align-items: center; gap: 0.5rem; color: var(--muted); font-size: 0.9rem; margin: 0; }
.admin button, .admin .button { display: inline-block; width: auto; margin-top: 0; padding: 0.6rem 1rem; }
button.link { background: none; color: var(--accent); text-decoration: underline; padding: 0.35rem; font-weight: 600; }
button.secondary, .admin .button.secondary { color: var(--accent); background: #fff; border: 2px solid var(--accent); }
button.danger, .button.danger { background: #b3261e; color: #fff; }
.admin .narrow { max-width: 28rem; }
.admin .narrow button, .admin .narrow .button { display: block; width: 100%; margin-top: 1rem; }
.muted { color: var(--muted); }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 14rem), 1fr)); gap: 0.75rem; list-style: none; padding: 0; }
.tiles li { border: 1px solid var(--line); border-radius: 8px; padding: 0.75rem; margin: 0; background: #fbfcfd; }
.tiles a { color: var(--ink); text-decoration: none; display: block; }
.tiles .badge { white-space: normal; overflow-wrap: anywhere; }
.tiles .figure { font-size: 1.75rem; display: inline; margin-right: 0.25rem; }
.tiles.jobs { grid-template-columns: repeat(auto-fill, minmax(min(100%, 24rem), 1fr)); }
.job dl { display: grid; grid-template-columns: auto 1fr; gap: 0.15rem 0.75rem; margin: 0.5rem 0 0; font-size: 0.95rem; }
.job dt { color: var(--muted); }
.job dd { margin: 0; }
.job.stale { border: 2px solid #b3261e; background: #fdecea; }
.badge { display: inline-block; padding: 0.1rem 0.5rem; border-radius: 999px; font-size: 0.85rem; font-weight: 700; white-space: nowrap; border: 1px solid transparent; }
.badge.good, .state-active { background: #e3f4e8; color: #17602d; border-color: #9fd3ae; }
.badge.bad { background: #b3261e; color: #fff; }
.state-needs-weconnect-signin, .state-needs-tracker-consent { background: #fff3d6; color: #6b4500; border-color: #e9c46a; }
.state-needs-google-health { background: #fde8dc; color: #8a3300; border-color: #f0a77a; }
.state-ended { background: #eceff2; color: #3d4650; border-color: #c3c9cf; }
.alerts { list-style: none; padding: 0; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
th, td { text-align: left; padding: 0.45rem 0.6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef1f4; font-weight: 700; white-space: nowrap; }
tbody tr:nth-child(even) { background: #fafbfc; }
td code { font-size: 0.9em; }
.filters { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0.75rem 1rem; margin: 0 0 1rem; }
.filters label { margin: 0 0 0.25rem; font-size: 0.9rem; }
.filters fieldset { border: 1px solid var(--line); border-radius: 8px; padding: 0.4rem 0.75rem 0.6rem; margin: 0; }
.filters legend { font-size: 0.9rem; font-weight: 600; padding: 0 0.25rem; }
.filters .check { display: inline-flex; align-items: center; gap: 0.3rem; font-weight: 400; margin: 0.2rem 0.9rem 0.2rem 0; }
.admin input[type=search], .admin input[type=date], .admin input[type=number], .admin input[type=text], .admin select { font: inherit; padding: 0.5rem; border: 1px solid #8a949e; border-radius: 6px; background: #fff; color: var(--ink); max-width: 100%; }
.admin input[type=text].copy { width: 100%; font-family: ui-monospace, monospace; font-size: 0.9rem; }
.pager { display: flex; gap: 1rem; align-items: center; margin: 0.5rem 0 1rem; }
.pager a { color: var(--accent); font-weight: 600; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem 2rem; }
.facts { display: grid; grid-template-columns: auto 1fr; gap: 0.3rem 1rem; margin: 0; }
.facts dt { font-weight: 700; }
.facts dd { margin: 0; }
.actions { display: flex; flex-wrap: wrap; gap: 0.75rem; margin: 0 0 1rem; }
.actions form { margin: 0; }
.chart { margin: 0 0 1rem; }
.chart svg { width: 100%; height: auto; display: block; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
.chart .axis { stroke: #8a949e; stroke-width: 1; }
.chart .goal { stroke: #1f7a3a; stroke-width: 1; stroke-dasharray: 4 3; }
.chart .planned { fill: #ffffff; stroke: #0b5cad; stroke-width: 1; }
.chart .checked { fill: #0b5cad; }
.chart .steps { fill: #e07b00; }
.chart .steps.pending { fill: #f4c98f; }
.chart .tick { font-size: 11px; fill: #4a5560; }
.chart figcaption { font-size: 0.9rem; margin: 0.4rem 0; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; }
.key::before { content: ""; display: inline-block; width: 0.8rem; height: 0.8rem; margin-right: 0.3rem; vertical-align: -0.1rem; border: 1px solid #0b5cad; }
.planned-key::before { background: #fff; }
.checked-key::before { background: #0b5cad; }
.steps-key::before { background: #e07b00; border-color: #e07b00; }
.goal-key::before { border: 0; border-top: 2px dashed #1f7a3a; height: 0; vertical-align: 0.2rem; }
.qr-box { max-width: 16rem; margin: 1rem 0; }
.qr { width: 100%; height: auto; display: block; }
@media (max-width: 48rem) {
  .columns { grid-template-columns: 1fr; }
  .admin main { margin: 0; border-radius: 0; border-left: 0; border-right: 0; padding: 1rem 0.75rem; }
  .admin header { padding: 0.75rem; }
  .admin td, .admin th { padding: 0.4rem; }
}
`;
