import type { PlannedEvent } from "@powertoken/core";

const DONE = "#1f7a3a";
const OPEN = "#c3cad2";
const R = 40;

function point(angleDeg: number): string {
  const a = ((angleDeg - 90) * Math.PI) / 180;
  return `${(50 + R * Math.cos(a)).toFixed(2)} ${(50 + R * Math.sin(a)).toFixed(2)}`;
}

/** One arc per planned activity, filled green once checked in; server-rendered SVG, no script. */
export function ProgressRing(props: { events: PlannedEvent[] }) {
  const n = props.events.length;
  const done = props.events.filter((e) => e.checkedIn).length;
  const label = n === 0 ? "No activities planned today" : `${done} of ${n} activities checked in`;
  const gap = n > 1 ? 6 : 0;
  return (
    <svg class="ring" viewBox="0 0 100 100" role="img" aria-label={label}>
      <title>{label}</title>
      {n === 0 ? <circle cx="50" cy="50" r={R} fill="none" stroke={OPEN} stroke-width="10" /> : null}
      {n === 1 ? <circle cx="50" cy="50" r={R} fill="none" stroke={props.events[0]?.checkedIn ? DONE : OPEN} stroke-width="10" /> : null}
      {n > 1
        ? props.events.map((e, i) => {
            const start = (360 / n) * i + gap / 2;
            const end = (360 / n) * (i + 1) - gap / 2;
            const large = end - start > 180 ? 1 : 0;
            return <path d={`M ${point(start)} A ${R} ${R} 0 ${large} 1 ${point(end)}`} fill="none" stroke={e.checkedIn ? DONE : OPEN} stroke-width="10" />;
          })
        : null}
      <text x="50" y="57" text-anchor="middle" font-size="20" font-weight="700" fill="#1b1f24">
        {n === 0 ? "–" : `${done}/${n}`}
      </text>
    </svg>
  );
}
