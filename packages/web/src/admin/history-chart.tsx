import type { ParticipantHistory } from "@powertoken/core";

type Day = ParticipantHistory["days"][number];

const WIDTH = 960;
const TOP = 90; // the check-in panel's height
const GAP = 24;
const BOTTOM = 70; // the steps panel's height
const LEFT = 44;
const HEIGHT = TOP + GAP + BOTTOM + 20;

/**
 * Every enrolled day as server-drawn SVG: planned activities (outline bar) against those checked
 * in (filled bar) on top, the steps written below. Colours come from the stylesheet's classes
 * (the CSP forbids inline style); the table after it is the text alternative.
 */
export function HistoryChart(props: { days: Day[]; goalSteps: number }) {
  const { days } = props;
  if (days.length === 0) return <p>No days recorded yet: the chart starts after the first poll.</p>;
  const plot = WIDTH - LEFT - 8;
  const slot = plot / days.length;
  const bar = Math.max(1, Math.min(18, slot * 0.7));
  const maxPlanned = Math.max(1, ...days.map((d) => d.planned));
  const maxSteps = Math.max(1, props.goalSteps, ...days.map((d) => d.stepsShown ?? 0));
  const checkedY = (n: number) => TOP - (n / maxPlanned) * (TOP - 10);
  const stepsTop = TOP + GAP;
  const stepsY = (n: number) => stepsTop + BOTTOM - (n / maxSteps) * BOTTOM;
  const first = days[0]!.localDate;
  const last = days[days.length - 1]!.localDate;
  const done = days.reduce((sum, d) => sum + d.checkedIn, 0);
  const planned = days.reduce((sum, d) => sum + d.planned, 0);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="chart-title chart-desc">
        <title id="chart-title">Check-ins and steps per day</title>
        <desc id="chart-desc">{`${days.length} days from ${first} to ${last}: ${done} of ${planned} planned activities checked in. The table below lists every day.`}</desc>
        <line class="axis" x1={LEFT} y1={TOP} x2={WIDTH - 4} y2={TOP} />
        <line class="axis" x1={LEFT} y1={stepsTop + BOTTOM} x2={WIDTH - 4} y2={stepsTop + BOTTOM} />
        <text class="tick" x={LEFT - 6} y={16} text-anchor="end">{String(maxPlanned)}</text>
        <text class="tick" x={LEFT - 6} y={TOP} text-anchor="end">0</text>
        <text class="tick" x={LEFT - 6} y={stepsTop + 10} text-anchor="end">{shortSteps(maxSteps)}</text>
        <text class="tick" x={LEFT - 6} y={stepsTop + BOTTOM} text-anchor="end">0</text>
        {props.goalSteps > 0 ? <line class="goal" x1={LEFT} y1={stepsY(props.goalSteps)} x2={WIDTH - 4} y2={stepsY(props.goalSteps)} /> : null}
        {days.map((d, i) => {
          const x = LEFT + i * slot + (slot - bar) / 2;
          return (
            <g>
              <rect class="planned" x={x} y={checkedY(d.planned)} width={bar} height={TOP - checkedY(d.planned)} />
              <rect class="checked" x={x} y={checkedY(d.checkedIn)} width={bar} height={TOP - checkedY(d.checkedIn)} />
              {d.stepsShown === null ? null : <rect class={d.writeState === "confirmed" ? "steps" : "steps pending"} x={x} y={stepsY(d.stepsShown)} width={bar} height={stepsTop + BOTTOM - stepsY(d.stepsShown)} />}
            </g>
          );
        })}
        <text class="tick" x={LEFT} y={HEIGHT - 4}>{first}</text>
        <text class="tick" x={WIDTH - 4} y={HEIGHT - 4} text-anchor="end">{last}</text>
      </svg>
      <figcaption>
        <span class="key planned-key">planned</span> <span class="key checked-key">checked in</span> <span class="key steps-key">steps shown</span> <span class="key goal-key">goal ({props.goalSteps.toLocaleString("en-US")})</span>
      </figcaption>
      <details>
        <summary>Every day as a table</summary>
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Planned</th>
                <th scope="col">Checked in</th>
                <th scope="col">Steps shown</th>
                <th scope="col">Write</th>
              </tr>
            </thead>
            <tbody>
              {[...days].reverse().map((d) => (
                <tr>
                  <td>{d.localDate}</td>
                  <td>{d.planned}</td>
                  <td>{d.checkedIn}</td>
                  <td>{d.stepsShown === null ? "—" : d.stepsShown.toLocaleString("en-US")}</td>
                  <td>{d.writeState}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

function shortSteps(n: number): string {
  return n >= 1000 ? `${Math.round(n / 100) / 10}k` : String(n);
}
